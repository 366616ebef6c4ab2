package dev.steward.client;

import java.util.List;
import java.util.Optional;

/** A page of audit events and the token of the next page, if there is one. */
public record AuditPage(List<AuditEventInfo> events, Optional<String> nextPageToken) {
    public AuditPage {
        events = List.copyOf(events);
    }
}
