package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.ErrorCode;
import dev.accesspass.UserId;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three gateway routes of API.md §11 over HTTP: {@code /introspect} (RFC 7662) with HTTP Basic clients,
 * {@code /revoke} (RFC 7009) and forward-auth {@code /verify}; every client-auth failure, the exact inactive answer,
 * and bad input on all three (4xx, never 5xx).
 */
class GatewayRoutesTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final String CLIENT_ID = "edge gateway";
    private static final String SECRET = "s3cret+with/odd:chars%";
    private static final String OTHER_SECRET = "a-second-client-secret";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final AtomicInteger ADDRESSES = new AtomicInteger(10);
    private static TestServer server;
    private static Http http;
    private static RawHttp raw;

    @BeforeAll
    static void start() {
        // The id has a space and the secret characters that RFC 6749 §2.3.1 form-encoding changes. The config
        // holds them raw; the id with a space cannot be written there, so the config id is edge-gateway below.
        server = TestServer.builder()
                .set("introspection-clients", "edge-gateway:" + SECRET + ",other:" + OTHER_SECRET)
                .set("login-address-max-attempts", "100").start();
        http = server.http();
        raw = server.raw();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Login(String access, String refresh, String userId) {
    }

    private static Login newUser() {
        String name = "gw" + USERS.incrementAndGet();
        Http.Reply reply = http.register(name, PASSWORD);
        assertThat(reply.status()).isEqualTo(201);
        return new Login(reply.field("access_token"), reply.field("refresh_token"),
                reply.json().path("user").path("id").asText());
    }

    private static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static final String GOOD = basic("edge-gateway", SECRET);

    /** From its own loopback address, so the per-address throttle of one test never touches another. */
    private static Http.Reply introspect(String authorization, String contentType, String body) {
        List<String> headers = new ArrayList<>();
        if (authorization != null) {
            headers.add("Authorization: " + authorization);
        }
        if (contentType != null) {
            headers.add("Content-Type: " + contentType);
        }
        return raw.send(nextAddress(), "POST", "/auth/introspect", headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static String nextAddress() {
        return "127.0.0." + ADDRESSES.incrementAndGet();
    }

    private static Http.Reply introspectForm(String token) {
        return introspect(GOOD, "application/x-www-form-urlencoded",
                "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------ /introspect

    @Test
    void sr82_anActiveAccessTokenShowsTheMembersOfTheContract() {
        Login alice = newUser();
        server.accessPass().grantRole(new UserId(alice.userId()), "admin");

        Http.Reply reply = introspectForm(alice.access());

        assertThat(reply.status()).isEqualTo(200);
        assertNoStore(reply);
        assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = reply.json();
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("active", "sub", "username", "token_type", "exp", "iat", "sid", "roles",
                "amr", "auth_time", "aal");
        assertThat(body.path("active").asBoolean()).isTrue();
        assertThat(body.path("sub").asText()).isEqualTo(alice.userId());
        assertThat(body.path("username").asText()).startsWith("gw");
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        long now = server.clock().instant().getEpochSecond();
        assertThat(body.path("exp").asLong()).isBetween(now + 299, now + 300);
        assertThat(body.path("iat").asLong()).isBetween(now - 1, now);
        assertThat(body.path("auth_time").asLong()).isBetween(now - 1, now);
        assertThat(body.path("roles").toString()).contains("\"admin\"");
        assertThat(body.path("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(body.path("aal").asInt()).isEqualTo(1);
        assertThat(body.path("sid").asText()).isNotBlank();

        // JSON bodies are accepted too (API.md §1), and the second client works as well.
        Http.Reply json = introspect(basic("other", OTHER_SECRET), "application/json",
                Http.json("token", alice.access(), "token_type_hint", "access_token"));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().path("sid").asText()).isEqualTo(body.path("sid").asText());
    }

    @Test
    void sr82_inactiveAnswersAreExactlyActiveFalse() {
        Login alice = newUser();
        Login loggedOut = newUser();
        assertThat(http.postWithToken("/auth/logout", loggedOut.access()).status()).isEqualTo(204);

        for (String token : List.of(alice.refresh(), loggedOut.access(), "", "nonsense",
                "A".repeat(43), alice.access() + "x", "x".repeat(5000))) {
            Http.Reply reply = introspectForm(token);
            assertThat(reply.status()).as("token %s", token).isEqualTo(200);
            assertThat(reply.text()).as("token %s", token).isEqualTo("{\"active\":false}");
            assertNoStore(reply);
        }
        // Introspection did not touch the live one it was shown as a refresh-token confusion above.
        assertThat(http.get("/api/hello", alice.access()).status()).isEqualTo(200);
    }

    @Test
    void sr82_everyClientAuthenticationFailureIs401InvalidClientWithABasicChallenge() {
        Login alice = newUser();
        String body = "token=" + alice.access();
        String b64 = Base64.getEncoder().encodeToString("edge-gateway".getBytes(StandardCharsets.UTF_8));
        Map<String, String> failures = new java.util.LinkedHashMap<>();
        failures.put("none", null);
        failures.put("wrong secret", basic("edge-gateway", SECRET + "x"));
        failures.put("the other client's secret", basic("edge-gateway", OTHER_SECRET));
        failures.put("unknown id", basic("nobody", SECRET));
        failures.put("bad base64", "Basic !!!not-base64!!!");
        failures.put("no colon", "Basic " + b64);
        failures.put("empty", "Basic ");
        failures.put("bearer instead of basic", "Bearer " + alice.access());
        failures.put("raw, not form-encoded secret", "Basic " + Base64.getEncoder().encodeToString(
                ("edge-gateway:" + SECRET).getBytes(StandardCharsets.UTF_8)));
        failures.put("bad percent-encoding", "Basic " + Base64.getEncoder().encodeToString(
                "edge-gateway:%zz".getBytes(StandardCharsets.UTF_8)));
        failures.put("not UTF-8", "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'a'}));
        failures.put("over-long", "Basic " + "A".repeat(5000));
        failures.put("two spaces", "Basic  " + GOOD.substring(6));

        failures.forEach((name, authorization) -> {
            Http.Reply reply = introspect(authorization, "application/x-www-form-urlencoded", body);
            assertProblem(reply, ErrorCode.INVALID_CLIENT);
            assertThat(reply.header("WWW-Authenticate")).as(name)
                    .hasValue("Basic realm=\"accesspass\", charset=\"UTF-8\"");
        });

        // Two Authorization headers, one of them right: refused, never a guess.
        Http.Reply twice = raw.send(nextAddress(), "POST", "/auth/introspect",
                List.of("Authorization: " + GOOD, "Authorization: " + basic("nobody", "x"),
                        "Content-Type: application/x-www-form-urlencoded"), body.getBytes(StandardCharsets.UTF_8));
        assertProblem(twice, ErrorCode.INVALID_CLIENT);
        // The scheme is case-insensitive (RFC 9110 §11.1).
        assertThat(introspect("bAsIc " + GOOD.substring(6), "application/x-www-form-urlencoded", body).status())
                .isEqualTo(200);
    }

    @Test
    void sr82_aFormEncodedIdAndSecretAreDecodedBeforeTheComparison() {
        // RFC 6749 §2.3.1: '+' '/' ':' '%' in the secret are sent form-encoded and must match once decoded.
        Login alice = newUser();
        String encoded = "Basic " + Base64.getEncoder().encodeToString(("edge-gateway:"
                + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(introspect(encoded, "application/x-www-form-urlencoded", "token=" + alice.access()).status())
                .isEqualTo(200);
        // An id with a space, form-encoded as '+', is not a configured one here: invalid_client, not a 500.
        assertProblem(introspect(basic(CLIENT_ID, SECRET), "application/x-www-form-urlencoded",
                "token=" + alice.access()), ErrorCode.INVALID_CLIENT);
    }

    @Test
    void sr28_failedClientAuthenticationsFromOneAddressAreThrottled() {
        String from = "127.0.1.1";
        for (int i = 0; i < 100; i++) {
            Http.Reply reply = raw.send(from, "POST", "/auth/introspect",
                    List.of("Authorization: " + basic("edge-gateway", "wrong-secret-" + i),
                            "Content-Type: application/x-www-form-urlencoded"), "token=x".getBytes());
            assertThat(reply.status()).isEqualTo(401);
        }
        Http.Reply throttled = raw.send(from, "POST", "/auth/introspect",
                List.of("Authorization: " + GOOD, "Content-Type: application/x-www-form-urlencoded"),
                "token=x".getBytes());
        assertProblem(throttled, ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(throttled.header("Retry-After")).isPresent();
        // Another address is not affected.
        assertThat(introspectForm("x").status()).isEqualTo(200);
    }

    @Test
    void badInputOnIntrospectIs4xxNeverAServerError() {
        assertProblem(introspect(GOOD, "application/x-www-form-urlencoded", ""), ErrorCode.VALIDATION_FAILED);
        assertProblem(introspect(GOOD, "application/json", "{\"token\":"), ErrorCode.MALFORMED_REQUEST);
        assertProblem(introspect(GOOD, "application/json", "{\"token\":42}"), ErrorCode.VALIDATION_FAILED);
        assertProblem(introspect(GOOD, "text/plain", "token=x"), ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        assertProblem(introspect(GOOD, "application/x-www-form-urlencoded", "token=%zz"),
                ErrorCode.MALFORMED_REQUEST);
        assertProblem(introspect(GOOD, "application/x-www-form-urlencoded", "token=" + "x".repeat(20_000)),
                ErrorCode.PAYLOAD_TOO_LARGE);
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            Http.Reply reply = raw.send(nextAddress(), method, "/auth/introspect", List.of("Authorization: " + GOOD),
                    null);
            assertProblem(reply, ErrorCode.METHOD_NOT_ALLOWED);
            assertThat(reply.header("Allow")).hasValue("POST");
        }
    }

    @Test
    void withoutClientsIntrospectIs404ForEveryMethod() {
        try (TestServer plain = TestServer.start()) {
            for (String method : List.of("POST", "GET")) {
                Http.Reply reply = plain.raw().send(null, method, "/auth/introspect",
                        List.of("Authorization: " + GOOD, "Content-Type: application/x-www-form-urlencoded"),
                        "token=x".getBytes());
                assertProblem(reply, ErrorCode.NOT_FOUND);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- /revoke

    private static Http.Reply revoke(String contentType, String body) {
        return raw.send(null, "POST", "/auth/revoke",
                contentType == null ? List.of() : List.of("Content-Type: " + contentType),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sr09_revokingAnAccessTokenEndsItsSessionBothTokensDie() {
        Login alice = newUser();
        Login sameUserOtherSession = newUserLogin(alice);

        Http.Reply reply = revoke("application/x-www-form-urlencoded", "token=" + alice.access());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEmpty();
        assertNoStore(reply);
        assertProblem(http.get("/api/hello", alice.access()), ErrorCode.INVALID_TOKEN);
        assertProblem(http.post("/auth/refresh", "refresh_token", alice.refresh()), ErrorCode.INVALID_GRANT);
        assertThat(http.get("/api/hello", sameUserOtherSession.access()).status()).isEqualTo(200);
        assertThat(introspectForm(alice.access()).text()).isEqualTo("{\"active\":false}");
    }

    @Test
    void sr09_revokingARefreshTokenEndsItsSessionBothTokensDie() {
        Login alice = newUser();

        Http.Reply reply = revoke("application/json",
                Http.json("token", alice.refresh(), "token_type_hint", "refresh_token"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEmpty();
        assertProblem(http.get("/api/hello", alice.access()), ErrorCode.INVALID_TOKEN);
        assertProblem(http.post("/auth/refresh", "refresh_token", alice.refresh()), ErrorCode.INVALID_GRANT);
    }

    @Test
    void sr09_unknownEmptyAndMissingTokensAre200AndChangeNothing() {
        Login alice = newUser();
        for (String body : List.of("token=", "token=nonsense", "token=" + "A".repeat(43), "", "token_type_hint=x",
                "token=" + alice.access() + "x")) {
            Http.Reply reply = revoke("application/x-www-form-urlencoded", body);
            assertThat(reply.status()).as(body).isEqualTo(200);
            assertThat(reply.body()).as(body).isEmpty();
        }
        assertThat(revoke(null, null).status()).as("no body at all").isEqualTo(200);
        assertThat(http.get("/api/hello", alice.access()).status()).isEqualTo(200);
        assertThat(http.post("/auth/refresh", "refresh_token", alice.refresh()).status()).isEqualTo(200);
    }

    @Test
    void badInputOnRevokeIs4xxNeverAServerError() {
        assertProblem(revoke("application/json", "{\"token\":"), ErrorCode.MALFORMED_REQUEST);
        assertProblem(revoke("application/json", "[1]"), ErrorCode.MALFORMED_REQUEST);
        assertProblem(revoke("text/plain", "token=x"), ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        assertProblem(revoke("application/x-www-form-urlencoded", "token=" + "x".repeat(20_000)),
                ErrorCode.PAYLOAD_TOO_LARGE);
        assertProblem(revoke("application/x-www-form-urlencoded", "token=%zz"), ErrorCode.MALFORMED_REQUEST);
        assertProblem(revoke("application/x-www-form-urlencoded", "token=a&token=b"), ErrorCode.VALIDATION_FAILED);
        Http.Reply get = raw.send(null, "GET", "/auth/revoke", List.of(), null);
        assertProblem(get, ErrorCode.METHOD_NOT_ALLOWED);
    }

    private static Login newUserLogin(Login of) {
        String name = server.accessPass().findUser(new UserId(of.userId())).orElseThrow().username();
        Http.Reply reply = http.login(name, PASSWORD);
        return new Login(reply.field("access_token"), reply.field("refresh_token"), of.userId());
    }

    // ---------------------------------------------------------------------------------------------- /verify

    @Test
    void verifyAnswers204WithTheIdentityHeadersForAnyMethodWhateverTheBody() {
        Login alice = newUser();
        String name = server.accessPass().findUser(new UserId(alice.userId())).orElseThrow().username();
        String bearer = "Authorization: Bearer " + alice.access();
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND")) {
            // Forward-auth proxies pass the original request's headers: any Content-Type, even a length with no
            // body behind it, must not matter (no 415, no 413, no wait for a body).
            Http.Reply reply = raw.send(null, method, "/auth/verify",
                    List.of(bearer, "Content-Type: application/x-unknown; charset=ebcdic"), "x".repeat(50_000).getBytes());
            assertThat(reply.status()).as(method).isEqualTo(204);
            assertThat(reply.header(GatewayRoutes.USER_ID)).as(method).hasValue(alice.userId());
            assertThat(reply.header(GatewayRoutes.USERNAME)).as(method).hasValue(name);
            assertThat(reply.header(GatewayRoutes.ROLES)).as(method).hasValue("");
            assertThat(reply.header(GatewayRoutes.SESSION_ID)).as(method).isPresent();
            assertThat(reply.header("Cache-Control")).hasValue("no-store");
        }
        // Envoy's ext_authz appends the original path and query to the one it is given: that query is the
        // client's, so neither its roles nor its encoding are read there.
        for (String below : List.of("/auth/verify/api/orders/7?x=1", "/auth/verify/a?role=admin", "/auth/verify/q?%zz")) {
            Http.Reply reply = raw.send(null, "GET", below, List.of(bearer), null);
            assertThat(reply.status()).as(below).isEqualTo(204);
            assertThat(reply.header(GatewayRoutes.USER_ID)).as(below).hasValue(alice.userId());
        }
        assertProblem(raw.send(null, "GET", "/auth/verify/x", List.of(), null), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void verifyWithoutAGoodTokenIs401WithTheBearerChallenge() {
        Http.Reply none = raw.send(null, "GET", "/auth/verify", List.of(), null);
        assertProblem(none, ErrorCode.INVALID_TOKEN);
        assertThat(none.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        assertThat(none.header(GatewayRoutes.USER_ID)).isEmpty();

        for (String bad : List.of("Bearer " + "A".repeat(43), "Bearer", "Bearer a b", "Bearer " + "x".repeat(300))) {
            Http.Reply reply = raw.send(null, "POST", "/auth/verify", List.of("Authorization: " + bad), null);
            assertProblem(reply, ErrorCode.INVALID_TOKEN);
            assertThat(reply.header("WWW-Authenticate")).as(bad)
                    .hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");
        }
        Login alice = newUser();
        Http.Reply refreshAsBearer = raw.send(null, "GET", "/auth/verify",
                List.of("Authorization: Bearer " + alice.refresh()), null);
        assertProblem(refreshAsBearer, ErrorCode.INVALID_TOKEN);
        Http.Reply basic = raw.send(null, "GET", "/auth/verify", List.of("Authorization: " + GOOD), null);
        assertProblem(basic, ErrorCode.INVALID_TOKEN);
    }

    @Test
    void verifyNeedsEveryRoleOfTheQuery() {
        Login alice = newUser();
        UserId id = new UserId(alice.userId());
        String bearer = "Authorization: Bearer " + alice.access();

        Http.Reply lacking = raw.send(null, "GET", "/auth/verify?role=admin", List.of(bearer), null);
        assertProblem(lacking, ErrorCode.INSUFFICIENT_ROLE);

        server.accessPass().grantRole(id, "admin");
        Http.Reply admin = raw.send(null, "GET", "/auth/verify?role=admin", List.of(bearer), null);
        assertThat(admin.status()).isEqualTo(204);
        assertThat(admin.header(GatewayRoutes.ROLES)).hasValue("admin");
        assertProblem(raw.send(null, "GET", "/auth/verify?role=admin&role=billing", List.of(bearer), null),
                ErrorCode.INSUFFICIENT_ROLE);

        server.accessPass().grantRole(id, "billing");
        Http.Reply both = raw.send(null, "GET", "/auth/verify?role=admin&role=billing&other=ignored",
                List.of(bearer), null);
        assertThat(both.status()).isEqualTo(204);
        assertThat(both.header(GatewayRoutes.ROLES)).hasValue("admin,billing");

        // A role revoked applies to the next check, as on protected routes.
        server.accessPass().revokeRole(id, "admin");
        assertProblem(raw.send(null, "GET", "/auth/verify?role=admin", List.of(bearer), null),
                ErrorCode.INSUFFICIENT_ROLE);
    }

    @Test
    void aRoleThatCannotBeAHeaderValueIsLeftOutNeverSplitOrInjected() {
        Login alice = newUser();
        UserId id = new UserId(alice.userId());
        server.accessPass().grantRole(id, "admin,root");
        server.accessPass().grantRole(id, "evil\r\nX-Auth-User-Id: 1");
        server.accessPass().grantRole(id, "ops");
        Http.Reply reply = raw.send(null, "GET", "/auth/verify", List.of("Authorization: Bearer " + alice.access()),
                null);
        assertThat(reply.status()).isEqualTo(204);
        assertThat(reply.header(GatewayRoutes.ROLES)).hasValue("ops");
        assertThat(reply.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(GatewayRoutes.USER_ID))
                .flatMap(e -> e.getValue().stream()).toList()).containsExactly(alice.userId());
    }

    @Test
    void badQueriesOnVerifyAre4xxNeverAServerError() {
        Login alice = newUser();
        String bearer = "Authorization: Bearer " + alice.access();
        for (String query : List.of("role=%zz", "role=%ff", "role=", "role=%00", "%zz", "role=" + "x".repeat(9000))) {
            Http.Reply reply = raw.send(null, "GET", "/auth/verify?" + query, List.of(bearer), null);
            assertThat(reply.status()).as(query).isBetween(400, 499);
            assertThat(reply.header("Content-Type")).as(query)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
    }
}
