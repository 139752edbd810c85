package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
        access = http.register("alice", PASSWORD).field("access_token");
        MailTesting.awaitOutbox(server.accessPass(), m -> true, 1);
    }

    @AfterAll
    static void stop() {
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
            assertThat(rawPostStatus(path, 1 << 20)).as(path + " 1 MiB").isEqualTo(413);
            byte[] invalidUtf8 = {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            expect(path, "invalid UTF-8", send(path, "application/json", invalidUtf8), 400, "malformed_request");
            expect(path, "duplicate key", send(path, "application/json",
                    utf8("{\"" + field + "\":\"a\",\"" + field + "\":\"b\"}")), 400, "malformed_request");
            expect(path, "control character", send(path, "application/json",
                    utf8("{\"" + field + "\":\"a\\u0000b@example.com\"}")), 400, null);
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
        assertThat(rawGetStatus("/auth/confirm?token=%ZZ")).isBetween(400, 499);
        for (String query : List.of("", "?token=", "?token=a&token=b", "?token=" + "x".repeat(5000),
                "?token=%C3%28", "?other=1")) {
            Http.Reply reply = http.get("/auth/confirm" + query, null);
            assertThat(reply.status()).as(query).isBetween(400, 499);
        }
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
        assertThat(MailTesting.outbox(server.accessPass())).hasSize(1);
        assertThat(server.accessPass().findUser("alice").orElseThrow().emailConfirmed()).isFalse();
        assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
    }

    /**
     * POSTs a body of {@code size} bytes over a plain socket and returns the status. The server may answer 413 and
     * close before the body is written (it refuses on the declared length), which java.net.http reports as an I/O
     * error instead of the response; a socket lets us read the answer either way.
     */
    private static int rawPostStatus(String path, int size) {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            String auth = path.endsWith("/change") ? "Authorization: Bearer " + access + "\r\n" : "";
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + auth + "Content-Length: " + size + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                byte[] chunk = new byte[8192];
                java.util.Arrays.fill(chunk, (byte) 'a');
                for (int written = 0; written < size; written += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // Expected when the server has already refused the declared length.
            }
            String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(response.substring(9, 12));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The status line of a GET sent over a plain socket: java.net.http refuses malformed percent escapes. */
    private static int rawGetStatus(String target) {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(response.substring(9, 12));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void expect(String path, String what, Http.Reply reply, int status, String code) {
        assertThat(reply.status()).as(path + " " + what + ": " + reply).isEqualTo(status);
        if (code != null) {
            assertThat(reply.code()).as(path + " " + what).isEqualTo(code);
        }
    }
}
