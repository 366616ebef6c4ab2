package dev.steward.client;

import com.fasterxml.jackson.databind.JsonNode;

/** One event of the audit chain. */
public record AuditEventInfo(long seq, String time, String actorId, String actorName, String action, String objectType,
        String objectId, String requestDigest, JsonNode details, String prevHash, String hash) {}
