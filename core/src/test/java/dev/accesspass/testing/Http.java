package dev.accesspass.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small HTTP client for tests, on {@link java.net.http.HttpClient} (loopback only, no redirects followed). Every
 * call returns a {@link Reply} with status, headers and the body parsed as JSON when it is JSON.
 */
public final class Http {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public Http(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** POSTs a JSON object built from alternating names and values, e.g. {@code post("/auth/login", "username", "a", ...)}. */
    public Reply post(String path, String... namesAndValues) {
        return postJson(path, json(namesAndValues), null);
    }

    /** POSTs a raw JSON text, with an optional bearer token. */
    public Reply postJson(String path, String json, String bearer) {
        return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8), bearer(bearer));
    }

    public Reply get(String path, String bearer) {
        return send("GET", path, null, null, bearer(bearer));
    }

    /** POST without a body, with a bearer token (logout, logout-all). */
    public Reply postWithToken(String path, String bearer) {
        return send("POST", path, null, null, bearer(bearer));
    }

    /**
     * The general form.
     *
     * @param contentType null for none
     * @param body        null for none
     * @param headers     extra headers, e.g. {@code Authorization}
     */
    public Reply send(String method, String path, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers a user with a good password; returns the token response. */
    public Reply register(String username, String password) {
        return post("/auth/register", "username", username, "email", username + "@example.com",
                "password", password, "password_confirmation", password);
    }

    public Reply login(String username, String password) {
        return post("/auth/login", "username", username, "password", password);
    }

    private static Map<String, String> bearer(String token) {
        return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
    }

    /** A JSON object of string fields from alternating names and values. */
    public static String json(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response. {@link #json()} is the parsed body (a missing node if the body is not JSON). */
    public record Reply(int status, Map<String, List<String>> headers, byte[] body) {
        public JsonNode json() {
            try {
                return body.length == 0 ? MAPPER.missingNode() : MAPPER.readTree(body);
            } catch (IOException e) {
                return MAPPER.missingNode();
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A field of the JSON body as text, e.g. {@code field("access_token")}. */
        public String field(String name) {
            JsonNode node = json().get(name);
            return node == null || node.isNull() ? null : node.asText();
        }

        /** The problem code of an error body. */
        public String code() {
            return field("code");
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }
}
