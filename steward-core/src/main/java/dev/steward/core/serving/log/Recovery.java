package dev.steward.core.serving.log;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A segment a previous writer left open (it crashed or was killed), as the next writer found and
 * closed it: cut to its last whole entry and sealed, or deleted when no whole entry was left.
 *
 * @param segment the sealed segment, or the deleted open one
 * @param entries entries it kept
 * @param cutLines lines cut from its end (a torn line, and whole lines after the last good one)
 * @param cutBytes bytes cut
 */
public record Recovery(String deployment, Path segment, long entries, long cutLines, long cutBytes) {
    public Recovery {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(segment, "segment is null");
    }

    public boolean deleted() {
        return entries == 0;
    }
}
