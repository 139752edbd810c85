package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static dev.accesspass.testing.ProblemAssert.fieldErrors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.InstrumentedTokenStore;
import dev.accesspass.servlet.testing.InstrumentedUserStore;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at route level (SR-05, SR-57, SR-61..SR-64): the contract's 4xx, never 5xx, nothing stored, and no
 * store lookup for a malformed credential.
 */
class HostileInputTest {
    private static final String PASSWORD = "correct horse battery";
    private static final InstrumentedTokenStore TOKENS = InstrumentedTokenStore.inMemory();
    private static final InstrumentedUserStore USERS = InstrumentedUserStore.inMemory();
    private static TestServer server;
    private static Http http;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.builder().stores(TOKENS, USERS).start();
        http = server.http();
        token = http.register("alice", PASSWORD).field("access_token");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void forgetFailures() {
        // Failed logins from this one address must not throttle the next test.
        server.clock().advance(Duration.ofSeconds(901));
        token = server.accessPass().openSession(server.accessPass().findUser("alice").orElseThrow().id(), Map.of())
                .accessToken();
    }

    private static Http.Reply post(String path, String contentType, byte[] body) {
        return http.send("POST", path, contentType, body, Map.of());
    }

    private static Http.Reply postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String registration(String username) {
        return Http.json("username", username, "email", username + "@example.com", "password", PASSWORD,
                "password_confirmation", PASSWORD);
    }

    private static void assertNotStored(String username) {
        assertThat(server.accessPass().findUser(username)).isEmpty();
    }

    @Test
    void sr62_malformedJsonIs400MalformedRequest() {
        for (String body : List.of("{", "{\"username\":\"eve\",", "nope", "{\"username\":\"eve\"} trailing",
                "{\"username\":'eve'}", "{username:\"eve\"}", "")) {
            Http.Reply reply = postJson("/auth/register", body);
            // An empty body too: "The request body is empty."
            assertProblem(reply, 400, "malformed_request");
            assertNoStore(reply);
        }
        assertNotStored("eve");
    }

    @Test
    void sr62_nonObjectTopLevelIsMalformed() {
        for (String body : List.of("[" + registration("eve") + "]", "\"eve\"", "42", "null", "true")) {
            assertProblem(postJson("/auth/register", body), 400, "malformed_request");
        }
        assertNotStored("eve");
    }

    @Test
    void sr62_wrongTypesAreValidationErrorsWithoutCoercion() {
        String body = "{\"username\":42,\"email\":[\"eve@example.com\"],\"password\":{\"a\":1},"
                + "\"password_confirmation\":true}";
        Http.Reply reply = postJson("/auth/register", body);
        assertProblem(reply, 400, "validation_failed");
        for (String field : List.of("username", "email", "password", "password_confirmation")) {
            assertThat(fieldErrors(reply, field)).as(field).isNotEmpty();
        }
        assertProblem(postJson("/auth/login", "{\"username\":\"alice\",\"password\":12345678}"), 400,
                "validation_failed");
        assertProblem(postJson("/auth/refresh", "{\"refresh_token\":1e300}"), 400, "validation_failed");
    }

    @Test
    void missingFieldsAreValidationErrors() {
        Http.Reply login = postJson("/auth/login", "{}");
        assertProblem(login, 400, "validation_failed");
        assertThat(fieldErrors(login, "username")).isNotEmpty();
        assertThat(fieldErrors(login, "password")).isNotEmpty();
        assertProblem(postJson("/auth/login", "{\"username\":\"alice\",\"password\":null}"), 400,
                "validation_failed");
        assertProblem(post("/auth/login", null, null), 400, "validation_failed");
    }

    @Test
    void sr62_duplicateKeysAndDeepNestingAreMalformed() {
        String duplicate = "{\"username\":\"eve\",\"username\":\"alice\",\"email\":\"eve@example.com\",\"password\":\""
                + PASSWORD + "\",\"password_confirmation\":\"" + PASSWORD + "\"}";
        assertProblem(postJson("/auth/register", duplicate), 400, "malformed_request");
        assertProblem(postJson("/auth/login", "{\"username\":\"alice\",\"password\":\"x\",\"password\":\"" + PASSWORD
                + "\"}"), 400, "malformed_request");
        String deep = "{\"x\":" + "[".repeat(100) + "]".repeat(100) + ",\"username\":\"eve\"}";
        assertProblem(postJson("/auth/register", deep), 400, "malformed_request");
        String longNumber = "{\"x\":" + "9".repeat(2000) + "}";
        assertProblem(postJson("/auth/login", longNumber), 400, "malformed_request");
        assertNotStored("eve");
    }

    @Test
    void sr63_invalidUtf8IsMalformed() {
        byte[] prefix = "{\"username\":\"ev".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = ("e\",\"email\":\"eve@example.com\",\"password\":\"" + PASSWORD + "\",\"password_confirmation\":\""
                + PASSWORD + "\"}").getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF})) {
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
            assertProblem(post("/auth/register", "application/json", body), 400, "malformed_request");
        }
        assertProblem(post("/auth/login", "application/x-www-form-urlencoded",
                "username=alice&password=%FF%FE".getBytes(StandardCharsets.US_ASCII)), 400, "malformed_request");
        assertNotStored("eve");
    }

    @Test
    void sr63_controlCharactersAndUnpairedSurrogatesInIdentifiersAreRejected() {
        for (String json : List.of(
                "{\"username\":\"ev\\u0000e\",\"email\":\"eve@example.com\",\"password\":\"" + PASSWORD
                        + "\",\"password_confirmation\":\"" + PASSWORD + "\"}",
                "{\"username\":\"eve\\ud800\",\"email\":\"eve@example.com\",\"password\":\"" + PASSWORD
                        + "\",\"password_confirmation\":\"" + PASSWORD + "\"}",
                "{\"username\":\"eve\",\"email\":\"eve@example.com\",\"password\":\"" + PASSWORD
                        + "\\udc00\",\"password_confirmation\":\"" + PASSWORD + "\\udc00\"}",
                "{\"username\":\"eve\\u0085\",\"email\":\"eve@example.com\",\"password\":\"" + PASSWORD
                        + "\",\"password_confirmation\":\"" + PASSWORD + "\"}")) {
            assertProblem(postJson("/auth/register", json), 400, "validation_failed");
        }
        assertNotStored("eve");
    }

    @Test
    void sr63_otherMediaTypesAre415() {
        byte[] body = registration("eve").getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
                "application/json; charset=iso-8859-1", "application/jsonx")) {
            assertProblem(post("/auth/register", type, body), 415, "unsupported_media_type");
        }
        assertThat(post("/auth/login", "Application/JSON; Charset=\"UTF-8\"",
                Http.json("username", "alice", "password", PASSWORD).getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(200);
        assertProblem(post("/auth/register", null, body), 415, "unsupported_media_type");
        assertNotStored("eve");
    }

    @Test
    void sr61_bodyOfExactlyTheLimitIsProcessedOneByteMoreIs413() {
        String base = Http.json("username", "alice", "password", PASSWORD);
        String padded = padTo(base, 16384);
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(16384);
        assertThat(postJson("/auth/login", padded).status()).isEqualTo(200);
        String over = padTo(base, 16385);
        // Over a plain socket: the oversize body is refused unread and the connection closed, which HttpClient,
        // still writing, sometimes reports as an I/O error instead of the answer.
        assertProblem(server.raw().postJson(null, "/auth/login", over), 413, "payload_too_large");
    }

    /** Pads a JSON object with insignificant whitespace (long strings would hit the parser's string limit). */
    private static String padTo(String json, int bytes) {
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        return json.substring(0, json.length() - 1) + " ".repeat(bytes - length) + "}";
    }

    @Test
    void sr61_declaredHugeBodyIs413WithoutWaitingForIt() {
        for (String length : List.of("1048576", "999999999")) {
            Http.Reply reply = server.raw().send(null, "POST", "/auth/register",
                    List.of("Content-Type: application/json", "Content-Length: " + length), null);
            assertProblem(reply, 413, "payload_too_large");
        }
    }

    @Test
    void sr61_oneMebibyteChunkedBodyIs413() throws Exception {
        byte[] big = padTo(registration("eve"), 1 << 20).getBytes(StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/auth/register"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                // An input stream of unknown length: sent chunked, so only counting the bytes read can stop it.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertProblem(new Http.Reply(response.statusCode(), response.headers().map(), response.body()), 413,
                "payload_too_large");
        assertNotStored("eve");
    }

    @Test
    void sr64_repeatedFormFieldsAndQueryStringsAreNotMerged() {
        assertProblem(post("/auth/login", "application/x-www-form-urlencoded",
                ("username=alice&password=wrong&password=" + PASSWORD.replace(' ', '+'))
                        .getBytes(StandardCharsets.US_ASCII)), 400, "validation_failed");
        Http.Reply query = http.send("POST", "/auth/login?username=alice&password=correct+horse+battery",
                "application/json", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
        assertProblem(query, 400, "validation_failed");
        assertThat(post("/auth/login", "application/x-www-form-urlencoded",
                "username=alice&password=correct+horse+battery&roles=admin".getBytes(StandardCharsets.US_ASCII))
                .status()).isEqualTo(200);
    }

    @Test
    void sr05_hostileAuthorizationHeadersNeverReachTheStore() {
        List<List<String>> headers = List.of(
                List.of(),
                List.of("Authorization: Bearer"),
                List.of("Authorization: Bearer "),
                List.of("Authorization: Bearer  " + token),
                List.of("Authorization: Bearer " + token + " extra"),
                List.of("Authorization: Bearer " + "A".repeat(8 * 1024)),
                List.of("Authorization: Basic YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5"),
                List.of("Authorization: Bearer " + token, "Authorization: Bearer " + token),
                List.of("Authorization: Bearer " + token + "!"),
                List.of("Authorization: Bearer tok\u00e9n"),
                List.of("Authorization: Token " + token),
                List.of("Authorization: Bearer" + token),
                List.of("Authorization: " + token),
                List.of("Authorization: Bearer =" + token));
        for (String path : List.of("/auth/check", "/api/hello", "/auth/me")) {
            for (List<String> lines : headers) {
                TOKENS.faults().resetCounts();
                USERS.faults().resetCounts();
                Http.Reply reply = server.raw().send(null, "GET", path, lines, null);
                assertProblem(reply, 401, "invalid_token");
                // Only a presented Bearer credential can be wrong (RFC 6750 §3.1): another scheme gets the bare
                // challenge, as no header does.
                boolean bearerPresented = lines.stream().anyMatch(line -> line.regionMatches(true, 0,
                        "Authorization: Bearer", 0, 21) && (line.length() == 21 || line.charAt(21) == ' '));
                String expected = bearerPresented ? "Bearer realm=\"accesspass\", error=\"invalid_token\""
                        : "Bearer realm=\"accesspass\"";
                assertThat(reply.header("WWW-Authenticate")).as("%s %s", path, lines).hasValue(expected);
                assertThat(TOKENS.faults().totalCalls()).as("token store calls for %s %s: %s", path, lines,
                        TOKENS.faults().counts()).isZero();
                assertThat(USERS.faults().totalCalls()).as("user store calls for %s %s", path, lines).isZero();
            }
        }
    }

    @Test
    void sr05_schemeIsCaseInsensitive() {
        for (String scheme : List.of("bearer", "BEARER", "bEaReR")) {
            Http.Reply reply = server.raw().send(null, "GET", "/auth/check", List.of("Authorization: " + scheme + " "
                    + token), null);
            assertThat(reply.status()).as(scheme).isEqualTo(200);
        }
    }

    @Test
    void sr05_queryStringAndBodyTokensAreIgnored() {
        Http.Reply check = http.get("/auth/check?access_token=" + token, null);
        assertProblem(check, 401, "invalid_token");
        assertThat(check.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        assertProblem(http.get("/api/hello?access_token=" + token, null), 401, "invalid_token");
        assertProblem(post("/auth/logout", "application/x-www-form-urlencoded",
                ("access_token=" + token).getBytes(StandardCharsets.US_ASCII)), 401, "invalid_token");
        assertThat(http.get("/auth/check", token).status()).isEqualTo(200);
    }

    /** The body-taking routes of sessions and devices (API.md §7): method, path, needs a token. */
    private record BodyRoute(String method, String path, boolean bearer, String validJson) {
    }

    private static List<BodyRoute> selfServiceRoutes() {
        return List.of(
                new BodyRoute("POST", "/auth/email/change", true,
                        Http.json("password", PASSWORD, "new_email", "alice.next@example.org")),
                new BodyRoute("POST", "/auth/email/change/confirm", false, Http.json("token", "A".repeat(43))),
                new BodyRoute("DELETE", "/auth/identities/github", true, Http.json("password", PASSWORD)));
    }

    private static Http.Reply send(BodyRoute route, String contentType, byte[] body) {
        return http.send(route.method(), route.path(), contentType, body,
                route.bearer() ? Map.of("Authorization", "Bearer " + token) : Map.of());
    }

    @Test
    void sr62_selfServiceRoutesGetTheBodyCasesOfEveryRoute() {
        for (BodyRoute route : selfServiceRoutes()) {
            String what = route.method() + " " + route.path();
            for (String body : List.of("{", "nope", "[1]", "\"x\"", "{\"a\":1} trailing")) {
                assertProblem(send(route, "application/json", body.getBytes(StandardCharsets.UTF_8)), 400,
                        "malformed_request");
            }
            String duplicate = route.validJson().substring(0, route.validJson().length() - 1) + ","
                    + route.validJson().substring(1);
            assertProblem(send(route, "application/json", duplicate.getBytes(StandardCharsets.UTF_8)), 400,
                    "malformed_request");
            String deep = "{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
            assertProblem(send(route, "application/json", deep.getBytes(StandardCharsets.UTF_8)), 400,
                    "malformed_request");
            assertProblem(send(route, "application/json", new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}),
                    400, "malformed_request");
            for (String type : List.of("text/plain", "application/xml", "application/json; charset=iso-8859-1")) {
                assertProblem(send(route, type, route.validJson().getBytes(StandardCharsets.UTF_8)), 415,
                        "unsupported_media_type");
            }
            String wrongTypes = route.validJson().replaceAll(":\"[^\"]*\"",
                    Matcher.quoteReplacement(":{\"$gt\":\"\"}"));
            assertProblem(send(route, "application/json", wrongTypes.getBytes(StandardCharsets.UTF_8)), 400,
                    "validation_failed");
            String control = route.validJson().replaceFirst(":\"", ":\"\\u0000");
            Http.Reply controlReply = send(route, "application/json", control.getBytes(StandardCharsets.UTF_8));
            assertThat(controlReply.status()).as("%s with a control character: %s", what, controlReply)
                    .isBetween(400, 499);
            String padded = padTo(route.validJson(), 16385);
            Http.Reply tooLarge = server.raw().send(null, route.method(), route.path(), route.bearer()
                    ? List.of("Content-Type: application/json", "Authorization: Bearer " + token,
                    "Content-Length: " + padded.length())
                    : List.of("Content-Type: application/json", "Content-Length: " + padded.length()),
                    padded.getBytes(StandardCharsets.UTF_8));
            assertProblem(tooLarge, 413, "payload_too_large");
            Http.Reply declared = server.raw().send(null, route.method(), route.path(),
                    List.of("Content-Type: application/json", "Content-Length: 999999999"), null);
            assertThat(declared.status()).as("%s declared huge: %s", what, declared).isIn(401, 413);
        }
        assertThat(server.accessPass().findUser("alice").orElseThrow().email()).isEqualTo("alice@example.com");
    }

    @Test
    void sr05_selfServiceRoutesRefuseHostileAuthorizationHeadersAndIds() {
        for (String path : List.of("/auth/sessions", "/auth/logout-others", "/auth/email/change",
                "/auth/sessions/x", "/auth/identities/github")) {
            String method = path.equals("/auth/sessions") ? "GET" : path.startsWith("/auth/sessions/")
                    || path.startsWith("/auth/identities/") ? "DELETE" : "POST";
            for (List<String> headers : List.of(List.of("Authorization: Bearer " + "A".repeat(300)),
                    List.of("Authorization: Bearer a b"), List.of("Authorization: Basic YTpi"),
                    List.of("Authorization: Bearer " + token, "Authorization: Bearer " + token))) {
                Http.Reply reply = server.raw().send(null, method, path, headers, null);
                assertThat(reply.status()).as("%s %s with %s: %s", method, path, headers, reply)
                        .isBetween(400, 401);
            }
        }
        for (String id : List.of("..", "%2e%2e%2f", "x".repeat(1024), "%00", "%C3%A9", "%F0%9F%98%80", "%ZZ")) {
            for (String path : List.of("/auth/sessions/" + id, "/auth/identities/" + id)) {
                Http.Reply reply = server.raw().send(null, "DELETE", path,
                        List.of("Authorization: Bearer " + token, "Content-Type: application/json"),
                        Http.json("password", PASSWORD).getBytes(StandardCharsets.UTF_8));
                assertThat(reply.status()).as("%s: %s", path, reply).isBetween(400, 499);
            }
        }
        Http.Reply page = server.raw().send(null, "GET", "/auth/email/change/confirm?token=%00%ZZ", List.of(), null);
        assertThat(page.status()).as("%s", page).isBetween(400, 499);
        assertThat(http.get("/auth/check", token).status()).isEqualTo(200);
    }

    @Test
    void sr57_noHostileRequestGives5xx() {
        // Each hostile request with the one answer it must get: a 4xx problem, never a 5xx.
        record Expected(String what, Http.Reply reply, int status, String code) {
        }
        List<Expected> cases = List.of(
                new Expected("5000-character refresh token",
                        postJson("/auth/refresh", "{\"refresh_token\":\"" + "A".repeat(5000) + "\"}"),
                        400, "malformed_request"),
                new Expected("4000-character username",
                        postJson("/auth/login", "{\"username\":\"" + "a".repeat(4000) + "\",\"password\":\"x\"}"),
                        400, "validation_failed"),
                new Expected("operator object as username",
                        postJson("/auth/register", "{\"username\":{\"$gt\":\"\"}}"), 400, "validation_failed"),
                new Expected("4096-character password",
                        postJson("/auth/login", "{\"username\":\"alice\",\"password\":\"" + "p".repeat(4096) + "\"}"),
                        401, "invalid_credentials"),
                new Expected("broken charset parameter",
                        post("/auth/login", "application/json; charset", "{}".getBytes(StandardCharsets.UTF_8)),
                        415, "unsupported_media_type"),
                new Expected("broken percent escape",
                        post("/auth/login", "application/x-www-form-urlencoded",
                                "%%%".getBytes(StandardCharsets.US_ASCII)), 400, "malformed_request"),
                new Expected("two Content-Type headers",
                        server.raw().send(null, "POST", "/auth/login", List.of("Content-Type: application/json",
                                "Content-Type: application/json"), "{}".getBytes(StandardCharsets.UTF_8)),
                        415, "unsupported_media_type"));
        for (Expected expected : cases) {
            assertThat(expected.reply().status()).as("%s: %s", expected.what(), expected.reply())
                    .isEqualTo(expected.status());
            assertProblem(expected.reply(), expected.status(), expected.code());
        }
    }
}
