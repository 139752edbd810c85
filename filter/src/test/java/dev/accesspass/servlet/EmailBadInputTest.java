package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every email route gets the bad inputs of the foundation (SR-57, SR-61 to SR-64): each answers 4xx, never 5xx,
 * and nothing changes (no message queued, the password still works, the email stays unconfirmed).
 */
class EmailBadInputTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Http http;
    private static String access;

    /** Route → its documented fields. */
    private static final Map<String, List<String>> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put("/auth/confirm", List.of("token"));
        ROUTES.put("/auth/confirm/resend", List.of("email"));
        ROUTES.put("/auth/password/forgot", List.of("username"));
        ROUTES.put("/auth/password/reset", List.of("token", "password", "password_confirmation"));
        ROUTES.put("/auth/password/change", List.of("current_password", "password", "password_confirmation"));
        ROUTES.put("/auth/username/forgot", List.of("email"));
    }

    // A server per test: the last test closes its server to drain the mail queue before asserting what was sent.
    @BeforeEach
    void start() {
        server = TestServer.start();
        http = server.http();
        access = http.register("alice", PASSWORD).field("access_token");
        MailTesting.awaitOutbox(server.accessPass(), m -> true, 1);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Http.Reply send(String route, String contentType, byte[] body) {
        Map<String, String> headers = route.endsWith("/change") ? Map.of("Authorization", "Bearer " + access)
                : Map.of();
        return http.send("POST", route, contentType, body, headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sr57_sr62_sr63_badBodiesGive4xxOnEveryEmailRoute() {
        for (Map.Entry<String, List<String>> route : ROUTES.entrySet()) {
            String path = route.getKey();
            String field = route.getValue().get(0);
            expect(path, "malformed JSON", send(path, "application/json", utf8("{\"" + field + "\":")), 400,
                    "malformed_request");
            expect(path, "array body", send(path, "application/json", utf8("[\"x\"]")), 400, "malformed_request");
            expect(path, "number", send(path, "application/json", utf8("{\"" + field + "\":42}")), 400,
                    "validation_failed");
            expect(path, "object", send(path, "application/json", utf8("{\"" + field + "\":{\"a\":1}}")), 400,
                    "validation_failed");
            expect(path, "missing fields", send(path, "application/json", utf8("{}")), 400, "validation_failed");
            expect(path, "text/plain", send(path, "text/plain", utf8(field + "=x")), 415, "unsupported_media_type");
            expect(path, "1 MiB", rawPost(path, 1 << 20), 413, "payload_too_large");
            byte[] invalidUtf8 = {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            expect(path, "invalid UTF-8", send(path, "application/json", invalidUtf8), 400, "malformed_request");
            expect(path, "duplicate key", send(path, "application/json",
                    utf8("{\"" + field + "\":\"a\",\"" + field + "\":\"b\"}")), 400, "malformed_request");
            expect(path, "control character", send(path, "application/json",
                    utf8("{\"" + field + "\":\"a\\u0000b@example.com\"}")), 400, "validation_failed");
        }
    }

    @Test
    void badTokensAreInvalidGrantAndBadQueriesAre4xx() {
        for (String token : List.of("x".repeat(43), "short", "x".repeat(44), "+".repeat(43), "a b",
                "é".repeat(43))) {
            expect("/auth/confirm", token, http.post("/auth/confirm", "token", token), 401, "invalid_grant");
            expect("/auth/password/reset", token, http.post("/auth/password/reset", "token", token,
                    "password", "tulip kettle monsoon", "password_confirmation", "tulip kettle monsoon"), 401,
                    "invalid_grant");
        }
        // java.net.http refuses a malformed percent escape; a raw request sends it as written.
        expect("/auth/confirm", "?token=%ZZ", server.raw().send(null, "GET", "/auth/confirm?token=%ZZ", List.of(),
                null), 401, "invalid_grant");
        Map<String, Integer> queries = new LinkedHashMap<>();
        queries.put("", 400);
        queries.put("?token=", 400);
        queries.put("?token=a&token=b", 400);
        queries.put("?other=1", 400);
        queries.put("?token=" + "x".repeat(5000), 401);
        queries.put("?token=%C3%28", 401);
        queries.forEach((query, status) -> expect("/auth/confirm", query, http.get("/auth/confirm" + query, null),
                status, status == 400 ? "validation_failed" : "invalid_grant"));
        expect("/auth/password/change", "no token", http.post("/auth/password/change", "current_password",
                PASSWORD, "password", "tulip kettle monsoon", "password_confirmation", "tulip kettle monsoon"),
                401, "invalid_token");
        assertThat(http.send("GET", "/auth/password/forgot", null, null, Map.of()).status()).isEqualTo(405);
        assertThat(http.send("PUT", "/auth/confirm", null, null, Map.of()).header("Allow"))
                .contains("GET, POST");
    }

    @Test
    void nothingChangedAfterAllTheBadInput() {
        sr57_sr62_sr63_badBodiesGive4xxOnEveryEmailRoute();
        badTokensAreInvalidGrantAndBadQueriesAre4xx();
        assertThat(server.accessPass().findUser("alice").orElseThrow().emailConfirmed()).isFalse();
        assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
        // Closing drains the mail queue: every job the bad input queued has run, so "nothing sent" is final.
        server.close();
        assertThat(MailTesting.outbox(server.accessPass())).hasSize(1);
    }

    /**
     * POSTs a body of {@code size} bytes over a plain socket: the server may answer 413 and close before the body is
     * written (it refuses on the declared length), which java.net.http reports as an I/O error.
     */
    private static Http.Reply rawPost(String path, int size) {
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
        if (path.endsWith("/change")) {
            headers.add("Authorization: Bearer " + access);
        }
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'a');
        return server.raw().send(null, "POST", path, headers, body);
    }

    /** The status, and the whole problem shape with its code (SR-55). */
    private static void expect(String path, String what, Http.Reply reply, int status, String code) {
        assertThat(reply.status()).as(path + " " + what + ": " + reply).isEqualTo(status);
        assertProblem(reply, status, code);
    }
}
