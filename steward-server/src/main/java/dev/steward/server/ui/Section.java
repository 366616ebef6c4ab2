package dev.steward.server.ui;

import dev.steward.spi.Role;

/** The parts of the UI the navigation links to, in the order of the lifecycle, with the role each needs. */
enum Section {
    EXPERIMENTS("Experiments", "/ui/experiments", Role.VIEWER),
    DATASETS("Datasets", "/ui/datasets", Role.VIEWER),
    MODELS("Models", "/ui/models", Role.VIEWER),
    DEPLOYMENTS("Deployments", "/ui/deployments", Role.VIEWER),
    MONITORING("Monitoring", "/ui/monitors", Role.VIEWER),
    JOBS("Jobs", "/ui/jobs", Role.VIEWER),
    AUDIT("Audit", "/ui/audit", Role.ADMIN);

    private final String title;
    private final String path;
    private final Role role;

    Section(String title, String path, Role role) {
        this.title = title;
        this.path = path;
        this.role = role;
    }

    String title() {
        return title;
    }

    String path() {
        return path;
    }

    Role role() {
        return role;
    }
}
