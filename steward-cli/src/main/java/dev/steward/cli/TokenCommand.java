package dev.steward.cli;

import dev.steward.client.CreatedToken;
import dev.steward.client.StewardClient;
import dev.steward.client.TokenInfo;
import dev.steward.core.auth.IssuedToken;
import dev.steward.server.Steward;
import dev.steward.spi.Role;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code steward token create|list|revoke}. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens (needs an admin token).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token and print its secret once.")
    static final class Create implements Runnable {
        @ParentCommand
        TokenCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", required = true, description = "What the token is for.")
        String name;

        @Option(names = "--role", required = true, description = "viewer, editor, deployer or admin.")
        String role;

        @Option(names = "--offline", description = "Write to the home directory's store directly, without a server "
                + "(to recover from a lost admin token).")
        boolean offline;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            if (offline) {
                try (Steward steward = Offline.open(parent.main.home.resolve())) {
                    IssuedToken issued = steward.tokens().create(Offline.caller("token create --name " + name + " --role " + role),
                            name, Role.parse(role));
                    print(out, issued.token().id(), issued.token().role().wireName(), issued.secret());
                }
                return;
            }
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                CreatedToken created = c.createToken(name, role);
                print(out, created.token().id(), created.token().role(), created.secret());
            }
        }

        private static void print(PrintWriter out, String id, String role, String secret) {
            out.println("created token " + id + " with role " + role + "; its secret is shown only now:");
            out.println(secret);
            out.flush();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens implements Runnable {
        @ParentCommand
        TokenCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            List<TokenInfo> tokens;
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                tokens = c.listTokens();
            }
            Table table = new Table("ID", "NAME", "ROLE", "CREATED", "CREATED BY", "REVOKED");
            tokens.forEach(t -> table.row(t.id(), t.name(), t.role(), t.createdAt(), t.createdBy(), t.revokedAt().orElse("")));
            table.print(spec.commandLine().getOut());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token; it stops working at once.")
    static final class Revoke implements Runnable {
        @ParentCommand
        TokenCommand parent;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The token's id (see 'steward token list').")
        String id;

        @Override
        public void run() {
            try (StewardClient c = client.connect(parent.main.home.resolve())) {
                TokenInfo token = c.revokeToken(id);
                spec.commandLine().getOut().println("revoked token " + token.id() + " (" + token.name() + ")");
                spec.commandLine().getOut().flush();
            }
        }
    }
}
