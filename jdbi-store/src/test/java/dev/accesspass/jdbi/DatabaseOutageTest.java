package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SR-65: with the database gone, protected and auth routes fail closed with 503, and recover on their own. */
class DatabaseOutageTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() {
        try (LogCapture log = LogCapture.of(Availability.class.getName(), Level.INFO);
             TestServer server = TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                     .set("jdbc-user", "postgres").start()) {
            Http http = server.http();
            String access = http.register("outagelog", PASSWORD).field("access_token");
            POSTGRES.stop();
            try {
                pollUntil(() -> http.get("/api/hello", access), 503, Duration.ofSeconds(10));
                for (int i = 0; i < 5; i++) {
                    assertThat(http.get("/api/hello", access).status()).isEqualTo(503);
                }
            } finally {
                POSTGRES.start();
            }
            pollUntil(() -> http.get("/api/hello", access), 200, Duration.ofSeconds(30));
            assertThat(http.get("/api/hello", access).status()).isEqualTo(200);
            assertThat(log.messages()).hasSize(2);
            assertThat(log.messages().get(0))
                    .startsWith("AccessPass store: the database is unavailable (could not ")
                    .endsWith("answer 503 store_unavailable until it is back");
            assertThat(log.messages().get(1)).startsWith("AccessPass store: the database is reachable again after ");
        }
    }

    @Test
    void sr65_stoppedDatabaseGives503AndServiceResumesWhenItIsBack() {
        for (String cacheTtl : new String[] {"0", "30"}) {
            try (TestServer server = TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                    .set("jdbc-user", "postgres").set("token-cache-ttl", cacheTtl).start()) {
                Http http = server.http();
                String user = "outage" + cacheTtl;
                String access = http.register(user, PASSWORD).field("access_token");
                assertThat(http.get("/api/hello", access).status()).isEqualTo(200);

                POSTGRES.stop();
                try {
                    // With the cache on, the listener notices the lost connection and turns the cache off first.
                    Http.Reply hello = pollUntil(() -> http.get("/api/hello", access), 503, Duration.ofSeconds(10));
                    assertThat(hello.code()).isEqualTo("store_unavailable");
                    assertThat(hello.header("Retry-After")).isPresent();
                    Http.Reply login = http.login(user, PASSWORD);
                    assertThat(login.status()).isEqualTo(503);
                    assertThat(login.code()).isEqualTo("store_unavailable");
                    assertThat(http.get("/auth/check", access).status()).isEqualTo(503);
                    assertThat(http.get("/public/hello", null).status()).isEqualTo(200);
                } finally {
                    POSTGRES.start();
                }

                assertThat(pollUntil(() -> http.get("/api/hello", access), 200, Duration.ofSeconds(30)).status())
                        .isEqualTo(200);
                assertThat(http.login(user, PASSWORD).status()).isEqualTo(200);
            }
        }
    }

    /** Repeats the request until it answers {@code status} or the deadline passes; never a 500 on the way. */
    private static Http.Reply pollUntil(java.util.function.Supplier<Http.Reply> request, int status,
                                        Duration limit) {
        return Await.until(limit, "the answer " + status, () -> {
            Http.Reply reply = request.get();
            assertThat(reply.status()).as(reply.toString()).isNotEqualTo(500);
            return reply;
        }, reply -> reply.status() == status);
    }
}
