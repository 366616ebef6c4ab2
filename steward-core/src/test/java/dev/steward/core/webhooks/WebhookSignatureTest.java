package dev.steward.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void theSignatureIsTheHmacThatPythonsHmacModuleComputesOverTimestampDotBody() {
        // python3 -c "import hmac, hashlib; print('sha256=' + hmac.new(b'whsec_test-secret-0123456789',
        //     b'1767225600.' + '{\"id\":\"evt_0123456789abcdef\",\"type\":\"webhook.ping\",\"data\":{\"message\":\"h\u00e9llo\"}}'.encode(),
        //     hashlib.sha256).hexdigest())"
        byte[] body = "{\"id\":\"evt_0123456789abcdef\",\"type\":\"webhook.ping\",\"data\":{\"message\":\"h\u00e9llo\"}}"
                .getBytes(StandardCharsets.UTF_8);

        String signature = WebhookSignature.sign("whsec_test-secret-0123456789", 1_767_225_600L, body);

        assertThat(signature).isEqualTo("sha256=a6694e826bbc7f6cdef694a8663f62164b24c980b4701e172b140a544b44922f");
        assertThat(WebhookSignature.sign("whsec_test-secret-0123456789", 1_767_225_601L, body)).as("the timestamp is signed")
                .isNotEqualTo(signature);
    }
}
