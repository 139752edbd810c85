package dev.accesspass.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.FieldErrors;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.servlet.testing.ServletServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writes problems through a real Jetty response and checks what a client receives. */
class ProblemsTest {
    private static final String REALM = "AccessPass";
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Each path writes one kind of answer. */
    private static final Map<String, Consumer<HttpServletResponse>> CASES = Map.ofEntries(
            Map.entry("/validation", response -> Problems.write(response, AccessPassException.validation(
                    new FieldErrors().add("username", "is too short").add("password", "is too common")),
                    REALM, false)),
            Map.entry("/credentials", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.INVALID_CREDENTIALS, "Wrong username or password."),
                    REALM, true)),
            Map.entry("/token-absent", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.INVALID_TOKEN, "A bearer token is required."), REALM, false)),
            Map.entry("/token-bad", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.INVALID_TOKEN, "The token is not valid."), REALM, true)),
            Map.entry("/grant", response -> Problems.write(response, ErrorCode.INVALID_GRANT,
                    "The refresh token is not valid.", REALM, true)),
            Map.entry("/role", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.INSUFFICIENT_ROLE, "A role is missing."), REALM, true)),
            Map.entry("/unconfirmed", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.EMAIL_NOT_CONFIRMED, "Confirm your email first."),
                    REALM, false)),
            Map.entry("/throttled", response -> Problems.write(response, AccessPassException.retryLater(
                    ErrorCode.TOO_MANY_ATTEMPTS, "Too many attempts.", Duration.ofMillis(1_500)), REALM, false)),
            Map.entry("/throttled-zero", response -> Problems.write(response, AccessPassException.retryLater(
                    ErrorCode.TOO_MANY_ATTEMPTS, "Too many attempts.", Duration.ZERO), REALM, false)),
            Map.entry("/store", response -> Problems.write(response,
                    new StoreUnavailableException("The store is unavailable.",
                            new IllegalStateException("SQL connection to db.internal refused")), REALM, true)),
            Map.entry("/busy", response -> Problems.write(response, AccessPassException.retryLater(
                    ErrorCode.SERVER_BUSY, "The server is busy.", Duration.ofSeconds(2)), REALM, false)),
            Map.entry("/store-no-delay", response -> Problems.write(response, ErrorCode.STORE_UNAVAILABLE,
                    "The store is unavailable.", REALM, false)),
            Map.entry("/too-large", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.PAYLOAD_TOO_LARGE, "Too large."), REALM, false)),
            Map.entry("/internal", response -> Problems.write(response,
                    new AccessPassException(ErrorCode.INTERNAL_ERROR, "Something went wrong.",
                            new RuntimeException("secret $argon2id$ detail")), REALM, false)),
            Map.entry("/no-detail", response -> Problems.write(response, ErrorCode.NOT_FOUND, null, REALM, false)),
            Map.entry("/method", response -> Problems.writeMethodNotAllowed(response, Set.of("POST", "GET"))),
            Map.entry("/buffered", response -> {
                try {
                    response.setHeader("Access-Control-Allow-Origin", "https://app.example");
                    response.getOutputStream().write("half-written".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Problems.write(response, ErrorCode.NOT_FOUND, "Nothing here.", REALM, false);
            }),
            Map.entry("/writer-used", response -> {
                try {
                    response.getWriter();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Problems.write(response, ErrorCode.NOT_FOUND, "Nothing here.", REALM, false);
            }),
            Map.entry("/committed", response -> {
                try {
                    response.setContentType("text/plain");
                    response.getOutputStream().write("already sent".getBytes(StandardCharsets.UTF_8));
                    response.flushBuffer();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Problems.write(response, ErrorCode.INVALID_TOKEN, "Too late.", REALM, true);
            }));

    static final class ProblemServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            CASES.get(request.getPathInfo()).accept(response);
        }
    }

    private static ServletServer server;
    private static String base;

    @BeforeAll
    static void startServer() {
        server = ServletServer.start("/problem/*", new ProblemServlet());
        base = server.baseUrl() + "/problem";
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Fetches {@code path} and checks everything every problem must have. */
    private static JsonNode problem(String path, ErrorCode code) throws Exception {
        HttpResponse<String> response = get(path);
        JsonNode problem = BodyReaderTest.assertProblem(response, code);
        assertThat(problem.path("status").isInt()).isTrue();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "org.", "SQL", "$argon2");
        return problem;
    }

    @Test
    void validationProblemListsFieldErrors() throws Exception {
        JsonNode problem = problem("/validation", ErrorCode.VALIDATION_FAILED);
        assertThat(problem.path("title").asText()).isEqualTo("Bad Request");
        assertThat(problem.path("detail").asText()).isEqualTo("The request has invalid fields.");
        assertThat(problem.path("errors").path("username").get(0).asText()).isEqualTo("is too short");
        assertThat(problem.path("errors").path("password").get(0).asText()).isEqualTo("is too common");
        assertThat(get("/validation").headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void bodyHasTheContractMembersInOrder() throws Exception {
        assertThat(get("/too-large").body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Content Too Large\","
                + "\"status\":413,\"code\":\"payload_too_large\",\"detail\":\"Too large.\"}");
    }

    @Test
    void every401HasABearerChallenge() throws Exception {
        problem("/token-absent", ErrorCode.INVALID_TOKEN);
        assertThat(get("/token-absent").headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"AccessPass\"");
        assertThat(get("/token-bad").headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"AccessPass\", error=\"invalid_token\"");
    }

    @Test
    void otherUnauthorizedCodesNeverSayInvalidToken() throws Exception {
        // A wrong current_password must not make the client throw away its good token.
        JsonNode problem = problem("/credentials", ErrorCode.INVALID_CREDENTIALS);
        assertThat(problem.path("title").asText()).isEqualTo("Unauthorized");
        assertThat(get("/credentials").headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"AccessPass\"");
        problem("/grant", ErrorCode.INVALID_GRANT);
        assertThat(get("/grant").headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"AccessPass\"");
    }

    @Test
    void missingRoleIsInsufficientScope() throws Exception {
        JsonNode problem = problem("/role", ErrorCode.INSUFFICIENT_ROLE);
        assertThat(problem.path("title").asText()).isEqualTo("Forbidden");
        assertThat(get("/role").headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"AccessPass\", error=\"insufficient_scope\"");
        problem("/unconfirmed", ErrorCode.EMAIL_NOT_CONFIRMED);
        assertThat(get("/unconfirmed").headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void throttledAnswerHasRetryAfterInWholeSeconds() throws Exception {
        JsonNode problem = problem("/throttled", ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(problem.path("title").asText()).isEqualTo("Too Many Requests");
        assertThat(get("/throttled").headers().firstValue("Retry-After")).hasValue("2");
        assertThat(get("/throttled-zero").headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void unavailableAnswersHaveRetryAfterAndNoChallenge() throws Exception {
        JsonNode problem = problem("/store", ErrorCode.STORE_UNAVAILABLE);
        assertThat(problem.path("title").asText()).isEqualTo("Service Unavailable");
        HttpResponse<String> store = get("/store");
        assertThat(store.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(store.headers().firstValue("WWW-Authenticate")).isEmpty();
        problem("/busy", ErrorCode.SERVER_BUSY);
        assertThat(get("/busy").headers().firstValue("Retry-After")).hasValue("2");
        problem("/store-no-delay", ErrorCode.STORE_UNAVAILABLE);
        assertThat(get("/store-no-delay").headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void causeIsNeverRendered() throws Exception {
        JsonNode problem = problem("/internal", ErrorCode.INTERNAL_ERROR);
        assertThat(problem.path("detail").asText()).isEqualTo("Something went wrong.");
        assertThat(get("/internal").body()).doesNotContain("secret");
    }

    @Test
    void missingDetailFallsBackToTheTitle() throws Exception {
        assertThat(problem("/no-detail", ErrorCode.NOT_FOUND).path("detail").asText()).isEqualTo("Not Found.");
    }

    @Test
    void methodNotAllowedListsAllowedMethods() throws Exception {
        JsonNode problem = problem("/method", ErrorCode.METHOD_NOT_ALLOWED);
        assertThat(problem.path("title").asText()).isEqualTo("Method Not Allowed");
        assertThat(get("/method").headers().allValues("Allow")).containsExactly("GET, POST");
    }

    @Test
    void bufferedOutputIsReplacedButEarlierHeadersStay() throws Exception {
        problem("/buffered", ErrorCode.NOT_FOUND);
        HttpResponse<String> response = get("/buffered");
        assertThat(response.body()).doesNotContain("half-written");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
    }

    @Test
    void problemIsWrittenEvenAfterGetWriter() throws Exception {
        HttpResponse<String> response = get("/writer-used");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(PLAIN.readTree(response.body()).path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void committedResponseIsLeftAlone() throws Exception {
        HttpResponse<String> response = get("/committed");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("already sent");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeHasAStatusTitle(ErrorCode code) {
        assertThat(Problems.title(code.status())).isNotBlank();
    }

    @Test
    void titlesAreTheRfc9110ReasonPhrases() {
        assertThat(Problems.title(413)).isEqualTo("Content Too Large");
        assertThat(Problems.title(415)).isEqualTo("Unsupported Media Type");
        assertThat(Problems.title(401)).isEqualTo("Unauthorized");
    }

    @Test
    void retryAfterRoundsUpToWholeSeconds() {
        assertThat(Problems.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(Problems.retryAfterSeconds(Duration.ofSeconds(-3))).isEqualTo(1);
        assertThat(Problems.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Problems.retryAfterSeconds(Duration.ofSeconds(30))).isEqualTo(30);
        assertThat(Problems.retryAfterSeconds(Duration.ofMillis(30_001))).isEqualTo(31);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\"b", "a\\b", "a\r\nSet-Cookie: x=y", "a\nb", "tab\there", "nul\u0000", "del\u007f",
            "caf\u00e9"})
    void realmWithUnsafeCharactersIsRefused(String realm) {
        assertThatThrownBy(() -> Problems.checkRealm(realm)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordinaryRealmsAreAccepted() {
        assertThatCode(() -> Problems.checkRealm("AccessPass")).doesNotThrowAnyException();
        assertThatCode(() -> Problems.checkRealm("my app (prod) #1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Problems.checkRealm(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void methodNotAllowedNeedsRealMethodNames() {
        assertThatThrownBy(() -> Problems.writeMethodNotAllowed(null, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Problems.writeMethodNotAllowed(null, Set.of("GET\r\nX: y")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
