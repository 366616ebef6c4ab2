package dev.steward.cli;

import dev.steward.client.CreatedToken;
import dev.steward.client.TokenInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward token create|list|revoke}. */
@Command(name = "token", description = "Manage API tokens (needs an admin token).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand extends CommandGroup {
    @Command(name = "create", description = "Create a token and print its secret once.")
    static final class Create extends ClientCommand<CreatedToken> {
        @Option(names = "--name", required = true, description = "What the token is for.")
        String name;

        @Option(names = "--role", required = true, description = "inference (prediction and feedback only), viewer, editor, deployer or admin.")
        String role;

        @Option(names = "--offline", description = "Write to the home directory's store directly, without a server "
                + "(to recover from a lost admin token).")
        boolean offline;

        @Override
        CreatedToken request() {
            return offline ? Offline.createToken(home(), name, role) : client().createToken(name, role);
        }

        @Override
        void print(CreatedToken created, PrintWriter out) {
            out.println("created token " + created.token().id() + " with role " + created.token().role() + "; its secret is shown only now:");
            out.println(created.secret());
        }
    }

    @Command(name = "list", description = "List tokens (never their secrets).")
    static final class ListTokens extends ClientCommand<List<TokenInfo>> {
        @Override
        List<TokenInfo> request() {
            return client().listTokens();
        }

        @Override
        void print(List<TokenInfo> tokens, PrintWriter out) {
            Table table = new Table("ID", "NAME", "ROLE", "CREATED", "CREATED BY", "REVOKED");
            tokens.forEach(t -> table.row(t.id(), t.name(), t.role(), t.createdAt(), t.createdByName(), t.revokedAt().orElse("")));
            table.print(out);
        }
    }

    @Command(name = "revoke", description = "Revoke a token; it stops working at once.")
    static final class Revoke extends ClientCommand<TokenInfo> {
        @Parameters(paramLabel = "ID", description = "The token's id (see 'steward token list').")
        String id;

        @Override
        TokenInfo request() {
            return client().revokeToken(id);
        }

        @Override
        void print(TokenInfo token, PrintWriter out) {
            out.println("revoked token " + token.id() + " (" + token.name() + ")");
        }
    }
}
