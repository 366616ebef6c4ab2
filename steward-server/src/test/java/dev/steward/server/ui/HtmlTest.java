package dev.steward.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void valuesAreEscapedAndHtmlGoesInAsItIs() {
        Html html = Html.of("<td title=\"{}\">{}</td>{}", "a\"b'c", "<script>alert(1)</script> & co", Html.of("<b>{}</b>", "x"));

        assertThat(html.toString()).isEqualTo("<td title=\"a&quot;b&#39;c\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</td><b>x</b>");
    }

    @Test
    void aTemplateMustHaveAsManyHolesAsArguments() {
        assertThatThrownBy(() -> Html.of("<p>{}</p>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Html.of("<p></p>", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachJoinsThePiecesOfAList() {
        assertThat(Html.each(List.of("a", "<b>"), s -> Html.of("<li>{}</li>", s)).toString()).isEqualTo("<li>a</li><li>&lt;b&gt;</li>");
    }
}
