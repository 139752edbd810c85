package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitMessage;
import static dev.accesspass.servlet.MailTesting.link;
import static dev.accesspass.servlet.MailTesting.pathAndQuery;
import static dev.accesspass.servlet.MailTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import dev.accesspass.mail.MailDeliveryException;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.mail.Mailer;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Mail problems never break or stall a request (SR-70), and the mail routes look the same for everyone however
 * slow the mailer is (SR-34). Response-time bounds here are generous sanity checks far below what the mailer takes,
 * not benchmarks.
 */
class EmailDeliveryFailureTest {
    private static final String PASSWORD = "correct horse battery";
    /**
     * A generous bound for a loaded CI machine, still far below what a route that waited for the mail would take:
     * the silent SMTP server holds each attempt for the 10 s read timeout, and the slow mailer holds its messages
     * until the test lets them go. How fast the routes really answer is for the benchmarks.
     */
    private static final Duration QUICK = Duration.ofSeconds(5);

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger queueLogger = (Logger) LoggerFactory.getLogger("dev.accesspass.MailQueue");

    @BeforeEach
    void captureLogs() {
        logged.start();
        queueLogger.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        queueLogger.detachAppender(logged);
    }

    private static Http.Reply timed(java.util.function.Supplier<Http.Reply> call) {
        long start = System.nanoTime();
        Http.Reply reply = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answer time").isLessThan(QUICK);
        return reply;
    }

    @Test
    void sr70_smtpDown_routesAnswerAsUsual_failureIsLogged_resendWorksOnceSmtpIsBack() {
        int port = MailTesting.freePort();
        try (TestServer server = MailTesting.smtpServer(port).start()) {
            Http http = server.http();
            Http.Reply registered = http.register("alice", PASSWORD);
            assertThat(registered.status()).isEqualTo(201);
            assertThat(timed(() -> http.post("/auth/password/forgot", "username", "alice")).status()).isEqualTo(202);

            awaitLog(Level.WARN, "attempt 1 failed");
            assertThat(loggedSoFar()).noneMatch(e -> e.getFormattedMessage().contains("token="));
            // Nothing else broke.
            assertThat(http.get("/auth/check", registered.field("access_token")).status()).isEqualTo(200);
            assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);

            GreenMail greenMail = MailTesting.greenMail(port);
            try {
                assertThat(http.post("/auth/confirm/resend", "email", "alice@example.com").status())
                        .isEqualTo(202);
                String confirmLink = link(text(awaitMessage(greenMail, "alice@example.com", "Confirm")));
                assertThat(http.get(pathAndQuery(confirmLink), null).status()).isEqualTo(200);
            } finally {
                greenMail.stop();
            }
        }
    }

    @Test
    void sr70_smtpThatNeverAnswers_doesNotSlowAnyRoute() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!blackHole.isClosed()) {
                        held.add(blackHole.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (TestServer server = MailTesting.smtpServer(blackHole.getLocalPort()).start()) {
                Http http = server.http();
                assertThat(timed(() -> http.register("bob", PASSWORD)).status()).isEqualTo(201);
                for (int i = 0; i < 3; i++) {
                    assertThat(timed(() -> http.post("/auth/password/forgot", "username", "bob")).status())
                            .isEqualTo(202);
                    assertThat(timed(() -> http.post("/auth/username/forgot", "email", "bob@example.com"))
                            .status()).isEqualTo(202);
                }
                Await.until("the mailer reached the silent server", () -> !held.isEmpty());
                assertThat(timed(() -> http.login("bob", PASSWORD)).status()).isEqualTo(200);
                // Let the stuck attempts fail at once, so closing drains quickly.
                blackHole.close();
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void sr34_slowMailer_knownAndUnknownForgotRequestsLookTheSame() {
        List<MailMessage> delivered = new CopyOnWriteArrayList<>();
        // Holds every message until the requests are done: a route that waited for its mail would hang, not pass.
        CountDownLatch release = new CountDownLatch(1);
        Mailer slow = message -> {
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new MailDeliveryException("never released", false, null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailDeliveryException("interrupted", false, e);
            }
            delivered.add(message);
        };
        try (TestServer server = TestServer.builder().set("base-url", "https://app.example").mailer(slow).start()) {
            Http http = server.http();
            assertThat(http.register("carol", PASSWORD).status()).isEqualTo(201);
            for (String[] pair : List.of(new String[] {"/auth/password/forgot", "username"},
                    new String[] {"/auth/username/forgot", "email"}, new String[] {"/auth/confirm/resend", "email"})) {
                String knownValue = pair[1].equals("email") ? "carol@example.com" : "carol";
                String unknownValue = pair[1].equals("email") ? "nobody@example.com" : "nobody";
                Http.Reply known = timed(() -> http.post(pair[0], pair[1], knownValue));
                Http.Reply unknown = timed(() -> http.post(pair[0], pair[1], unknownValue));
                assertThat(known.status()).as(pair[0]).isEqualTo(202);
                assertThat(unknown.status()).as(pair[0]).isEqualTo(202);
                assertThat(known.text()).as(pair[0]).isEqualTo(unknown.text());
                assertThat(known.headers().keySet()).as(pair[0]).isEqualTo(unknown.headers().keySet());
            }
            assertThat(delivered).as("nothing delivered while the mailer is held").isEmpty();
            release.countDown();
            // Registration, reset, username, resend: four messages; closing drains the queue, so the list is final.
            Await.until("four messages delivered", () -> delivered.size() >= 4);
            server.close();
            assertThat(delivered).extracting(MailMessage::kind)
                    .containsExactlyInAnyOrder("confirm_email", "reset_password", "forgot_username", "confirm_email");
            assertThat(delivered).allMatch(m -> m.to().equals("carol@example.com"));
        }
    }

    private void awaitLog(Level level, String fragment) {
        Await.until("a " + level + " log line containing \"" + fragment + "\"", () -> loggedSoFar().stream()
                .anyMatch(e -> e.getLevel() == level && e.getFormattedMessage().contains(fragment)));
    }

    /** A copy of the lines so far: the mail thread appends while the test reads (under the appender's monitor). */
    private List<ILoggingEvent> loggedSoFar() {
        synchronized (logged) {
            return new ArrayList<>(logged.list);
        }
    }
}
