package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.accesspass.AccessPass;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.mail.SentMail;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for the email tests: a GreenMail SMTP server on loopback, reading messages, waiting with {@link Await}. */
final class MailTesting {
    static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");
    static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+");
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private MailTesting() {
    }

    /** A free loopback port (closed again; the caller binds it soon after). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A test server that delivers through the {@code smtp} mailer to 127.0.0.1:{@code port}, with links built from
     * {@code https://app.example}.
     */
    static TestServer.Builder smtpServer(int port) {
        return TestServer.builder()
                .set("mailer", "smtp")
                .set("smtp-host", "127.0.0.1")
                .set("smtp-port", Integer.toString(port))
                .set("base-url", "https://app.example");
    }

    /** A started GreenMail SMTP server on {@code port} on 127.0.0.1. */
    static GreenMail greenMail(int port) {
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail;
    }

    /** Waits (bounded) until GreenMail holds at least {@code count} messages and returns them all. */
    static List<MimeMessage> awaitMessages(GreenMail greenMail, int count) {
        assertThat(greenMail.waitForIncomingEmail(DEADLINE.toMillis(), count))
                .as("%d message(s) within %s", count, DEADLINE).isTrue();
        return Arrays.asList(greenMail.getReceivedMessages());
    }

    /** The newest message to {@code to} whose subject matches, waiting (bounded) for it. */
    static MimeMessage awaitMessage(GreenMail greenMail, String to, String subjectPart) {
        return Await.until(DEADLINE, "a message \"" + subjectPart + "\" to " + to, () -> {
            MimeMessage[] messages = greenMail.getReceivedMessages();
            for (int i = messages.length - 1; i >= 0; i--) {
                if (recipient(messages[i]).equalsIgnoreCase(to) && subject(messages[i]).contains(subjectPart)) {
                    return Optional.of(messages[i]);
                }
            }
            return Optional.<MimeMessage>empty();
        }, Optional::isPresent).orElseThrow();
    }

    /** Polls the log mailer's outbox (bounded) until {@code count} messages match. */
    static List<MailMessage> awaitOutbox(AccessPass accessPass, Predicate<MailMessage> filter, int count) {
        return Await.until(DEADLINE, count + " matching outbox message(s)",
                () -> outbox(accessPass).stream().filter(filter).toList(), found -> found.size() >= count);
    }

    static List<MailMessage> outbox(AccessPass accessPass) {
        return accessPass.outbox().orElseThrow().stream().map(SentMail::message).toList();
    }

    /** The token of the newest outbox message of a kind to a recipient, waiting for the {@code n}-th such message. */
    static String awaitToken(AccessPass accessPass, String to, String kind, int n) {
        List<MailMessage> messages = awaitOutbox(accessPass, m -> m.to().equals(to) && m.kind().equals(kind), n);
        return token(messages.get(n - 1).text());
    }

    static String token(String text) {
        Matcher matcher = TOKEN.matcher(text);
        assertThat(matcher.find()).as("a token in %s", text).isTrue();
        return matcher.group(1);
    }

    static String link(String text) {
        Matcher matcher = LINK.matcher(text);
        assertThat(matcher.find()).as("a link in %s", text).isTrue();
        return matcher.group();
    }

    /** Path and query of a link, to follow it against the test server whatever origin the link names. */
    static String pathAndQuery(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    static String recipient(MimeMessage message) {
        try {
            return message.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text/plain part (or the whole body of a single-part message). */
    static String text(MimeMessage message) {
        return part(message, "text/plain");
    }

    /** The text/html part, or null. */
    static String html(MimeMessage message) {
        return part(message, "text/html");
    }

    private static String part(MimeMessage message, String type) {
        try {
            Object content = message.getContent();
            if (content instanceof String single) {
                return message.isMimeType(type) ? single : null;
            }
            Multipart multipart = (Multipart) content;
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType(type)) {
                    return (String) part.getContent();
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
