package dev.steward.store.jdbc;

import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.store.TokenRecord;
import dev.steward.spi.store.TokenRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** API tokens in table {@code api_token}; only secret hashes are stored. */
final class JdbcTokenRepository implements TokenRepository {
    private static final String COLUMNS = "id, name, role, secret_hash, created_at, created_by, revoked_at";

    private final JdbcContext context;

    JdbcTokenRepository(JdbcContext context) {
        this.context = context;
    }

    @Override
    public void insert(TokenRecord token) {
        try {
            context.handle().createUpdate("INSERT INTO api_token (" + COLUMNS + ")"
                            + " VALUES (:id, :name, :role, :secretHash, :createdAt, :createdBy, :revokedAt)")
                    .bind("id", token.id())
                    .bind("name", token.name())
                    .bind("role", token.role().wireName())
                    .bind("secretHash", token.secretHash())
                    .bind("createdAt", token.createdAt().toEpochMilli())
                    .bind("createdBy", token.createdBy())
                    .bind("revokedAt", token.revokedAt().map(Instant::toEpochMilli).orElse(null))
                    .execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw StewardException.alreadyExists("a token with id '" + token.id() + "' or the same secret already exists");
            }
            throw e;
        }
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
        return context.handle().createQuery("SELECT " + COLUMNS + " FROM api_token WHERE id = :id")
                .bind("id", id)
                .map(JdbcTokenRepository::token)
                .findOne();
    }

    @Override
    public Optional<TokenRecord> findBySecretHash(String secretHash) {
        return context.handle().createQuery("SELECT " + COLUMNS + " FROM api_token WHERE secret_hash = :hash")
                .bind("hash", secretHash)
                .map(JdbcTokenRepository::token)
                .findOne();
    }

    @Override
    public List<TokenRecord> list() {
        return context.handle().createQuery("SELECT " + COLUMNS + " FROM api_token ORDER BY created_at, id")
                .map(JdbcTokenRepository::token)
                .list();
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return context.handle().createUpdate("UPDATE api_token SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .bind("at", at.toEpochMilli())
                .bind("id", id)
                .execute() == 1;
    }

    private static TokenRecord token(ResultSet rs, StatementContext ctx) throws SQLException {
        long revokedAt = rs.getLong("revoked_at");
        Optional<Instant> revoked = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revokedAt));
        return new TokenRecord(
                rs.getString("id"),
                rs.getString("name"),
                Role.parse(rs.getString("role")),
                rs.getString("secret_hash"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                rs.getString("created_by"),
                revoked);
    }
}
