package dev.accesspass.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks the RFC 9457 shape of API.md §2 (SR-55) and the headers every response under the prefix carries. */
public final class ProblemAssert {
    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"),
            Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(429, "Too Many Requests"), Map.entry(500, "Internal Server Error"),
            Map.entry(503, "Service Unavailable"));
    /**
     * A token a problem hands out (an {@code mfa_token}: 43 base64url characters, SR-05) as a JSON string. Random,
     * so it spells "SQL" by chance in about one of 6 000 bodies; never an internal, which has spaces, dots or other
     * characters outside that alphabet.
     */
    private static final Pattern ISSUED_TOKEN = Pattern.compile("\"[A-Za-z0-9_-]{43}\"");

    private ProblemAssert() {
    }

    /**
     * Asserts a problem response: the status, {@code application/problem+json}, {@code type} about:blank,
     * {@code title} the reason phrase, {@code status} equal to the HTTP status, the code, a non-empty detail without
     * internals, and {@code errors} exactly when the code is {@code validation_failed}.
     *
     * @return the parsed body
     */
    public static JsonNode assertProblem(Http.Reply reply, int status, String code) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        assertThat(reply.header("Content-Type")).as("content type of %s", reply)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = reply.json();
        assertThat(body.path("type").asText()).isEqualTo("about:blank");
        assertThat(body.path("title").asText()).isEqualTo(TITLES.get(status));
        assertThat(body.path("status").isInt()).isTrue();
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("detail").isTextual()).isTrue();
        assertThat(body.path("detail").asText()).isNotBlank();
        if (code.equals("validation_failed")) {
            assertThat(body.path("errors").isObject()).as("errors of %s", reply).isTrue();
        } else {
            assertThat(body.has("errors")).as("errors of %s", reply).isFalse();
        }
        assertThat(ISSUED_TOKEN.matcher(reply.text()).replaceAll("\"<token>\""))
                .doesNotContain("Exception", "\tat ", "org.", "jackson", "SQL", "$argon2");
        return body;
    }

    /** {@link #assertProblem(Http.Reply, int, String)} for an {@link ErrorCode}, plus {@link #assertNoStore}. */
    public static JsonNode assertProblem(Http.Reply reply, ErrorCode code) {
        JsonNode body = assertProblem(reply, code.status(), code.code());
        assertNoStore(reply);
        return body;
    }

    /** The messages of one field of a {@code validation_failed} problem. */
    public static List<String> fieldErrors(Http.Reply reply, String field) {
        List<String> messages = new ArrayList<>();
        reply.json().path("errors").path(field).forEach(node -> messages.add(node.asText()));
        return messages;
    }

    /** {@code Cache-Control: no-store}, {@code Pragma: no-cache} and {@code nosniff} (SR-59). */
    public static void assertNoStore(Http.Reply reply) {
        assertThat(reply.header("Cache-Control")).as("Cache-Control of %s", reply).hasValue("no-store");
        assertThat(reply.header("Pragma")).as("Pragma of %s", reply).hasValue("no-cache");
        assertThat(reply.header("X-Content-Type-Options")).as("nosniff of %s", reply).hasValue("nosniff");
    }
}
