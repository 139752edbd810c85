package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawHttp;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SR-57: malformed query strings on every GET route are a 4xx problem, never a 500 and never an ERROR with a stack
 * trace. Jetty's own parameter parsing throws on {@code %zz} or a lone {@code %}; the routes read the raw query
 * strictly instead ({@link QueryString}).
 */
class MalformedQueryTest {
    private static final List<String> QUERIES = List.of("code=%zz", "code=%ff", "code=%", "code=%C0%AF",
            "state=%zz&code=x", "%zz", "code=%E0%A4", "code=%00", "code=a&code=%zz", "flow=%zz", "token=%zz",
            "code=" + "x".repeat(9000));
    private static final List<String> AUTH_GET_ROUTES = List.of("/auth/oauth/demo/callback",
            "/auth/oauth/nope/callback", "/auth/oauth/demo", "/auth/oauth/nope", "/auth/check", "/auth/me",
            "/auth/confirm");
    private static TestServer server;
    private static RawHttp raw;

    @BeforeAll
    static void start() {
        // A configured provider whose URLs are never reached: every query here is refused before any call.
        server = TestServer.builder().set("base-url", "http://localhost")
                .set("oauth.demo.client-id", "id").set("oauth.demo.client-secret", "secret")
                .set("oauth.demo.authorize-url", "http://127.0.0.1:9/authorize")
                .set("oauth.demo.token-url", "http://127.0.0.1:9/token")
                .set("oauth.demo.userinfo-url", "http://127.0.0.1:9/userinfo").start();
        raw = server.raw();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sr57_malformedQueriesOnEveryGetRouteAre4xxProblemsWithoutAnErrorLog() {
        try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.WARN)) {
            for (String route : AUTH_GET_ROUTES) {
                for (String query : QUERIES) {
                    Http.Reply reply = raw.send(null, "GET", route + "?" + query, List.of(), null);
                    assertThat(reply.status()).as("GET %s?%s -> %s", route, query, reply).isBetween(400, 499);
                    assertThat(reply.header("Content-Type")).as("%s?%s", route, query)
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                }
            }
            for (String route : List.of("/api/hello", "/public/hello", "/probe")) {
                for (String query : QUERIES) {
                    Http.Reply reply = raw.send(null, "GET", route + "?" + query, List.of(), null);
                    assertThat(reply.status()).as("GET %s?%s -> %s", route, query, reply).isLessThan(500);
                }
            }
            assertThat(log.events()).as("no warning or error logged")
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        }
    }

    @Test
    void sr57_malformedCallbackQueriesAre400OAuthFailed() {
        for (String query : List.of("code=%zz", "code=%ff", "code=%", "code=%C0%AF", "state=%zz")) {
            Http.Reply reply = raw.send(null, "GET", "/auth/oauth/demo/callback?" + query, List.of(), null);
            assertThat(reply.status()).as(query).isEqualTo(400);
            assertThat(reply.code()).as(query).isEqualTo("oauth_failed");
        }
    }

    @Test
    void strictDecoding() {
        assertThat(QueryString.parse("a=1&b=x+y&c=%C3%A9&a=2")).hasValueSatisfying(parameters -> {
            assertThat(parameters.get("a")).containsExactly("1", "2");
            assertThat(parameters.get("b")).containsExactly("x y");
            assertThat(parameters.get("c")).containsExactly("é");
        });
        for (String bad : List.of("a=%zz", "a=%", "a=%f", "a=%ff", "a=%C0%AF", "a=%00", "a=\u00e9", "%zz=1")) {
            assertThat(QueryString.parse(bad)).as(bad).isEmpty();
        }
        assertThat(QueryString.parse(null)).hasValue(java.util.Map.of());
    }
}
