package dev.steward.core.tracking;

import java.security.SecureRandom;
import java.util.List;

/** Memorable random run names in MLflow's style: {@code adjective-noun-NNN}. */
final class RunNames {
    private static final List<String> ADJECTIVES = List.of("amber", "bold", "brave", "bright", "calm", "clever", "crisp", "daring",
            "eager", "fair", "gentle", "glad", "honest", "keen", "kind", "lively", "loyal", "lucid", "merry", "nimble", "noble",
            "patient", "polite", "proud", "quick", "quiet", "rapid", "silent", "smart", "steady", "sunny", "swift", "tidy", "vivid",
            "warm", "wise", "zesty");
    private static final List<String> NOUNS = List.of("ant", "badger", "bee", "bison", "crane", "crow", "deer", "dove", "eagle",
            "falcon", "finch", "fox", "gecko", "hare", "hawk", "heron", "ibis", "jay", "koala", "lark", "lemur", "lynx", "mole",
            "moth", "newt", "otter", "owl", "panda", "quail", "raven", "robin", "seal", "shrew", "sloth", "swan", "toad", "trout",
            "wolf", "wren", "yak");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunNames() {}

    static String random() {
        return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(RANDOM.nextInt(NOUNS.size())) + "-"
                + RANDOM.nextInt(1000);
    }
}
