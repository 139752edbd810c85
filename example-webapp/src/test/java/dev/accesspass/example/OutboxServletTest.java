package dev.accesspass.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** {@code GET /dev/outbox} of the example app: the log mailer's messages, and 404 with any other mailer. */
class OutboxServletTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(String base, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(Server server) {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Test
    void outboxShowsTheConfirmationMailOfARegistration() throws Exception {
        Server server = ExampleApp.start(0);
        try {
            String base = base(server);
            HttpResponse<String> registered = send(base, "POST", "/auth/register", "{\"username\":\"zoe\","
                    + "\"email\":\"zoe@example.com\",\"password\":\"correct horse battery\","
                    + "\"password_confirmation\":\"correct horse battery\"}");
            assertThat(registered.statusCode()).isEqualTo(201);
            String outbox = Await.until("the confirmation mail in the outbox", () -> {
                try {
                    HttpResponse<String> reply = send(base, "GET", "/dev/outbox", null);
                    assertThat(reply.statusCode()).isEqualTo(200);
                    return reply.body();
                } catch (Exception e) {
                    throw new IllegalStateException("GET /dev/outbox failed", e);
                }
            }, body -> !body.equals("[]"));
            assertThat(outbox).contains("\"to\":\"zoe@example.com\"").contains("\"subject\":\"Confirm your email address\"")
                    .contains("/auth/confirm?token=").contains("\"sent_at\":");
        } finally {
            server.stop();
        }
    }

    @Test
    void outboxIs404WithTheSmtpMailer() throws Exception {
        Map<String, String> settings = Map.of("accesspass.mailer", "smtp", "accesspass.smtp-host", "127.0.0.1",
                "accesspass.base-url", "https://app.example");
        settings.forEach(System::setProperty);
        try {
            Server server = ExampleApp.start(0);
            try {
                assertThat(send(base(server), "GET", "/dev/outbox", null).statusCode()).isEqualTo(404);
            } finally {
                server.stop();
            }
        } finally {
            settings.keySet().forEach(System::clearProperty);
        }
    }
}
