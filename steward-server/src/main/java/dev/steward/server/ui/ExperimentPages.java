package dev.steward.server.ui;

import static java.util.Objects.requireNonNull;

import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.PageToken;
import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.ViewType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /ui/experiments}: the experiments, searched with MLflow's filter syntax, sorted, paged on the server. */
final class ExperimentPages {
    static final int PAGE_SIZE = 50;
    private static final List<String> ORDERS = List.of("last_update_time DESC", "name ASC", "creation_time DESC", "experiment_id ASC");

    private final TrackingService tracking;

    ExperimentPages(TrackingService tracking) {
        this.tracking = requireNonNull(tracking, "tracking is null");
    }

    void register(UiRouter ui) {
        ui.page("/ui/experiments", Role.VIEWER, request -> {
            String filter = request.query("filter").orElse("");
            String order = request.query("order").filter(ORDERS::contains).orElse(ORDERS.get(0));
            int page = RunPages.page(request);
            Optional<StewardException> error = Optional.empty();
            Page<Experiment> experiments = new Page<>(List.of(), Optional.empty());
            try {
                experiments = tracking.searchExperiments(ViewType.ACTIVE_ONLY, filter, List.of(order), PAGE_SIZE,
                        PageToken.of((page - 1) * PAGE_SIZE));
            } catch (StewardException e) {
                if (e.code().category() != dev.steward.spi.ErrorCategory.USER) {
                    throw e;
                }
                error = Optional.of(e);
            }
            String base = "/ui/experiments?filter=" + UiRequest.encode(filter) + "&order=" + UiRequest.encode(order);
            Html orderOptions = Html.each(ORDERS, o -> Html.of("<option value=\"{}\"{}>{}</option>", o,
                    Html.when(o.equals(order), Html.of(" selected")), switch (o) {
                        case "name ASC" -> "Name";
                        case "creation_time DESC" -> "Newest first";
                        case "experiment_id ASC" -> "Id";
                        default -> "Recently updated";
                    }));
            Html rows = Html.each(experiments.items(), e -> Html.of("""
                    <tr><td><a href="/ui/experiments/{}">{}</a></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>""",
                    UiRequest.encode(e.id()), e.name(), e.id(), Format.time(e.creationTime()), Format.time(e.lastUpdateTime()),
                    Html.each(e.tags().entrySet().stream().filter(t -> !t.getKey().startsWith("mlflow.")).sorted(java.util.Map.Entry.comparingByKey())
                            .limit(4).toList(), t -> Html.of("<span class=\"tag\">{}={}</span> ", t.getKey(), t.getValue()))));
            Html content = Html.of("""
                    <form method="get" action="/ui/experiments" class="toolbar" role="search">
                    {}<div class="field"><label for="order">Sort by</label><select id="order" name="order">{}</select></div>
                    <button type="submit">Search</button></form>{}
                    {}{}""",
                    Widgets.field("filter", "Filter (MLflow syntax)", filter, "name LIKE '%fraud%'", error, ""),
                    orderOptions, Widgets.formError(error, Set.of("filter")),
                    experiments.items().isEmpty() ? Widgets.empty(error.isPresent() ? "Fix the filter to see experiments."
                            : "No experiments match.") : Html.of("""
                            <div class="table-wrap"><table><caption class="sr-only">Experiments</caption>
                            <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Created</th><th scope="col">Updated</th>
                            <th scope="col">Tags</th></tr></thead><tbody>{}</tbody></table></div>""", rows),
                    Widgets.pager(page, experiments.nextPageToken().isPresent(), p -> base + "&page=" + p));
            request.ctx().status(error.isPresent() ? 400 : 200).html(ui.layout().page(request, Section.EXPERIMENTS, "Experiments", content,
                    false).toString());
        });
    }
}
