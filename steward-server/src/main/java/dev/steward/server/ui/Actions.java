package dev.steward.server.ui;

import dev.steward.server.http.ErrorMapper;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.StewardException;
import io.javalin.http.HttpStatus;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the pages' actions end: on success the browser goes back to the page (303, so a reload never
 * posts twice); when the service refuses, the page is shown again with the service's message beside
 * the form, with the API's status. An internal failure stays an error page.
 */
final class Actions {
    /** What an action does, through the core service the API's route calls. */
    interface Action {
        void run();
    }

    private Actions() {}

    /** Runs the action of form {@code form}; {@code page} renders the whole page again with what was sent and refused. */
    static void perform(UiRequest request, String back, String form, Action action, Function<Optional<Sent>, Html> page) {
        perform(request, form, () -> {
            action.run();
            return back;
        }, page);
    }

    /** Runs the action of form {@code form}, which says where the browser goes next. */
    static void perform(UiRequest request, String form, java.util.function.Supplier<String> action, Function<Optional<Sent>, Html> page) {
        String back;
        try {
            back = action.get();
        } catch (StewardException e) {
            if (e.code().category() == ErrorCategory.INTERNAL) {
                throw e;
            }
            request.ctx().status(ErrorMapper.status(e.code().category())).html(page.apply(Optional.of(new Sent(form, e))).toString());
            return;
        }
        request.ctx().redirect(back, HttpStatus.SEE_OTHER);
    }

    /**
     * A form that posts a required or optional reason (kept in the audit log) to {@code action}. A
     * refusal about this form ({@code error}, when it was this form that was sent) is shown under
     * its field when it names the reason, above it otherwise.
     */
    static Html reasonForm(UiRequest request, String id, String action, String label, boolean required, String button, String buttonClass,
            Optional<StewardException> error, Html extraFields) {
        Optional<StewardException> mine = error.filter(e -> e.field().map("reason"::equals).orElse(false));
        Html top = error.filter(e -> mine.isEmpty()).map(e -> Html.of("<div class=\"alert error\" role=\"alert\">{}</div>", e.getMessage()))
                .orElse(Html.EMPTY);
        return Html.of("""
                <form method="post" action="{}" class="stack">{}{}{}<div class="field{}"><label for="{}">{}</label>
                <input id="{}" name="reason" type="text"{}{}></div>{}<div><button type="submit" class="{}">{}</button></div></form>""",
                action, request.csrfField(), top, extraFields, Html.when(mine.isPresent(), Html.of(" invalid")), id, label, id,
                Html.when(required, Html.of(" required aria-required=\"true\"")),
                mine.isPresent() ? Html.of(" aria-invalid=\"true\" aria-describedby=\"{}-error\"", id) : Html.EMPTY,
                mine.map(e -> Html.of("<p class=\"error-text\" id=\"{}-error\">{}</p>", id, e.getMessage())).orElse(Html.EMPTY),
                buttonClass, button);
    }

    /** The error of the form {@code form}, when it was the one sent. */
    static Optional<StewardException> of(Optional<Sent> sent, String form) {
        return sent.filter(s -> s.form().equals(form)).map(Sent::error);
    }

    /** Which form of a page was sent and what the service said. */
    record Sent(String form, StewardException error) {}
}
