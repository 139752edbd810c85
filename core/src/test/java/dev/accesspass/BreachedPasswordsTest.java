package dev.accesspass;

import static dev.accesspass.SpecRig.PASSWORD;
import static dev.accesspass.SpecRig.failure;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.accesspass.event.SecurityEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The breached-password check (SR-25) against a stand-in for the Pwned Passwords range API, served in the test by
 * the JDK's HTTP server: it lists {@link #BREACHED} among padding lines, and records every request it gets.
 */
class BreachedPasswordsTest {
    private static final String BREACHED = "tr0ub4dor&3 horse";

    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> paddingHeaders = new CopyOnWriteArrayList<>();
    private volatile long delayMillis;
    private HttpServer api;
    private SpecRig rig;
    private ListAppender<ILoggingEvent> warnings;
    private final Logger logger = (Logger) LoggerFactory.getLogger(BreachedPasswords.class);

    private static String sha1(String password) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
    }

    @BeforeEach
    void startApi() throws Exception {
        String breached = sha1(BREACHED);
        String decoy = sha1(PASSWORD);
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/range/", exchange -> {
            paths.add(exchange.getRequestURI().getRawPath());
            paddingHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Add-Padding")));
            sleep(delayMillis);
            String prefix = exchange.getRequestURI().getRawPath().substring("/range/".length());
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                body.append(String.format("%035X", i)).append(":0\r\n");
            }
            if (prefix.equals(breached.substring(0, 5))) {
                body.append(breached.substring(5)).append(":42\r\n");
            }
            if (prefix.equals(decoy.substring(0, 5))) {
                // A padding line for the good password: count 0 is a decoy, not a breach.
                body.append(decoy.substring(5)).append(":0\r\n");
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        api.start();
        warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(warnings);
        if (rig != null) {
            rig.close();
        }
        api.stop(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SpecRig rigAt(String url) {
        rig = SpecRig.start(config -> config.breachedPasswordCheck(true).breachedPasswordApiUrl(url));
        return rig;
    }

    private String apiUrl() {
        return "http://127.0.0.1:" + api.getAddress().getPort() + "/range";
    }

    @Test
    void sr25_aListedPasswordIsRefusedAtRegistrationResetAndChange() throws Exception {
        rigAt(apiUrl());
        AccessPassException refused = failure(() ->
                rig.accessPass.register("bree", "bree@example.org", BREACHED, BREACHED, SpecRig.CLIENT));
        assertThat(refused.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(refused.fieldErrors().get("password"))
                .containsExactly("has appeared in a data breach; choose another password");
        assertThat(rig.accessPass.userStore().findByUsername("bree")).isEmpty();

        TokenResponse alice = rig.register("alice");
        String reset = rig.resetToken("alice", Duration.ofHours(1));
        assertThat(failure(() -> rig.accessPass.resetPassword(reset, BREACHED, BREACHED, SpecRig.CLIENT)).code())
                .isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(rig.oneTimeTokenLives(reset, dev.accesspass.store.TokenPurpose.RESET_PASSWORD))
                .as("a refused reset keeps its token").isTrue();
        assertThat(failure(() -> rig.accessPass.changePassword(rig.auth(alice), PASSWORD, BREACHED, BREACHED,
                SpecRig.CLIENT)).fieldErrors().get("password"))
                .containsExactly("has appeared in a data breach; choose another password");
        assertThat(rig.login("alice").user().username()).as("the old password still works").isEqualTo("alice");
    }

    @Test
    void sr25_onlyFiveHexCharactersLeaveWithThePaddingHeaderAndDecoysDoNotCount() throws Exception {
        rigAt(apiUrl() + "/");
        rig.register("alice");
        failure(() -> rig.accessPass.register("bree", "bree@example.org", BREACHED, BREACHED, SpecRig.CLIENT));

        assertThat(paths).containsExactly("/range/" + sha1(PASSWORD).substring(0, 5),
                "/range/" + sha1(BREACHED).substring(0, 5));
        assertThat(paths).allSatisfy(path -> assertThat(path).matches("/range/[0-9A-F]{5}"));
        assertThat(paddingHeaders).containsOnly("true");
        assertThat(warnings.list).isEmpty();
    }

    @Test
    void sr25_anUnreachableApiFailsOpenWithOneWarningAndASecurityEvent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        rigAt("http://127.0.0.1:" + closedPort + "/range");

        assertThat(rig.register("alice").user().username()).isEqualTo("alice");

        assertThat(warnings.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains("breached-password check skipped")
                    .doesNotContain(PASSWORD).doesNotContain(sha1(PASSWORD).substring(0, 5));
        });
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.BREACHED_PASSWORD_CHECK_UNAVAILABLE)
                .singleElement().satisfies(e -> assertThat(e.clientAddress()).isEqualTo(SpecRig.CLIENT));
    }

    @Test
    void sr25_aSlowApiTimesOutAfterOneSecondAndFailsOpen() {
        delayMillis = 3000;
        rigAt(apiUrl());

        long start = System.nanoTime();
        assertThat(rig.register("alice").user().username()).isEqualTo("alice");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("the 1 s timeout, not the 3 s answer").isLessThan(Duration.ofMillis(2800));
        assertThat(paths).hasSize(1);
        assertThat(warnings.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.WARN);
        assertThat(rig.hooks.events).extracting(SecurityEvent::type)
                .contains(SecurityEvent.Type.BREACHED_PASSWORD_CHECK_UNAVAILABLE);
    }

    @Test
    void sr25_offByDefaultNothingIsAsked() {
        rig = SpecRig.start();
        rig.register("alice");
        assertThat(paths).isEmpty();
        assertThat(rig.accessPass.config().breachedPasswordCheck()).isFalse();
        assertThat(rig.accessPass.config().breachedPasswordApiUrl()).hasToString("https://api.pwnedpasswords.com/range");
    }

    @Test
    void theSuffixComparisonScansEveryLine() {
        byte[] suffix = "ABCDEF".getBytes(StandardCharsets.US_ASCII);
        assertThat(BreachedPasswords.listed("000000:1\r\nabcdef:3\r\n", suffix)).isTrue();
        assertThat(BreachedPasswords.listed("ABCDEF:0\nFFFFFF:9\n", suffix)).isFalse();
        assertThat(BreachedPasswords.listed("garbage\n\nABCDEG:4", suffix)).isFalse();
    }
}
