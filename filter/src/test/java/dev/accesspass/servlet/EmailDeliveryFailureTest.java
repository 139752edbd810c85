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
import dev.accesspass.testing.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    /** Far below the 2 s the slow mailer and the SMTP timeouts take, far above a normal answer. */
    private static final Duration QUICK = Duration.ofMillis(1500);

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
            assertThat(logged.list).noneMatch(e -> e.getFormattedMessage().contains("token="));
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
                long deadline = System.nanoTime() + MailTesting.DEADLINE.toNanos();
                while (held.isEmpty() && System.nanoTime() < deadline) {
                    MailTesting.pause();
                }
                assertThat(held).as("the mailer reached the silent server").isNotEmpty();
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
        Mailer slow = message -> {
            try {
                Thread.sleep(2_000);
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
            // Registration, reset, username, resend: four messages, each 2 s on two sender threads.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (delivered.size() < 4 && System.nanoTime() < deadline) {
                MailTesting.pause();
            }
            assertThat(delivered).extracting(MailMessage::kind)
                    .containsExactlyInAnyOrder("confirm_email", "reset_password", "forgot_username", "confirm_email");
            assertThat(delivered).allMatch(m -> m.to().equals("carol@example.com"));
        }
    }

    private void awaitLog(Level level, String fragment) {
        long deadline = System.nanoTime() + MailTesting.DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (logged.list.stream().anyMatch(e -> e.getLevel() == level
                    && e.getFormattedMessage().contains(fragment))) {
                return;
            }
            MailTesting.pause();
        }
        throw new AssertionError("no " + level + " log line containing \"" + fragment + "\"; got " + logged.list);
    }
}
