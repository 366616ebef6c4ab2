package dev.steward.cli;

import dev.steward.client.ExperimentInfo;
import dev.steward.client.StewardClient;
import dev.steward.client.StewardClientException;
import dev.steward.spi.StewardException;
import java.util.Optional;

/**
 * An experiment named on the command line: every option that takes one accepts its id or its
 * name. Ids are digits, so text with any other character is a name; for text of digits only an
 * experiment with that id wins, and the text is a name otherwise.
 */
final class Experiments {
    private Experiments() {}

    static ExperimentInfo existing(StewardClient client, String idOrName) {
        return find(client, idOrName).orElseThrow(() -> StewardException.invalid("experiment",
                "no experiment has the id or name '" + idOrName + "' (see 'steward experiments list')"));
    }

    /** The experiment with this id or name, or a new one with this name. */
    static ExperimentInfo findOrCreate(StewardClient client, String idOrName) {
        return find(client, idOrName).orElseGet(() -> client.createExperiment(idOrName));
    }

    static Optional<ExperimentInfo> find(StewardClient client, String idOrName) {
        if (!idOrName.isEmpty() && idOrName.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(client.getExperiment(idOrName));
            } catch (StewardClientException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        return client.findExperimentByName(idOrName);
    }
}
