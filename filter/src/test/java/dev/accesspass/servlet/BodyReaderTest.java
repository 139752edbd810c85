package dev.accesspass.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.servlet.testing.ServletServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.ProblemAssert;
import dev.accesspass.testing.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Drives {@link BodyReader} through a real Jetty 12 server, so that content types, chunked bodies, lying lengths
 * and early answers behave as they do in a container.
 */
class BodyReaderTest {
    /** The contract's default {@code max-body-bytes}. */
    static final int MAX_BYTES = 16_384;
    static final Set<String> FIELDS = Set.of("username", "password", "email");

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static ServletServer server;
    private static URI echo;
    private static int port;
    private static HttpClient client;

    /** Echoes the fields read from the body as JSON, or answers the error as a problem. */
    static final class EchoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            handle(request, response);
        }

        @Override
        protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
            handle(request, response);
        }

        private static void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
            try {
                Map<String, String> fields = BodyReader.readFields(request, MAX_BYTES, FIELDS);
                response.setContentType("application/json");
                response.getOutputStream().write(Json.write(fields));
            } catch (AccessPassException error) {
                Problems.write(response, error, "test", false);
            }
        }
    }

    @BeforeAll
    static void startServer() {
        server = ServletServer.start("/echo", new EchoServlet());
        port = server.port();
        echo = URI.create(server.baseUrl() + "/echo");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return post(echo, contentType, body);
    }

    private static HttpResponse<String> post(URI uri, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> postJson(String json) throws Exception {
        return post("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> postForm(String form) throws Exception {
        return post("application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> fields(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = PLAIN.readTree(response.body());
        Map<String, String> fields = new LinkedHashMap<>();
        body.properties().forEach(entry -> fields.put(entry.getKey(), entry.getValue().textValue()));
        return fields;
    }

    /** Asserts a complete problem answer through {@link ProblemAssert}: status, code, shape and no-store headers. */
    static JsonNode assertProblem(HttpResponse<String> response, ErrorCode code) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return ProblemAssert.assertProblem(new Http.Reply(response.statusCode(), response.headers().map(),
                response.body().getBytes(StandardCharsets.UTF_8)), code);
    }

    static void assertFieldError(HttpResponse<String> response, String field, String message) throws IOException {
        JsonNode problem = assertProblem(response, ErrorCode.VALIDATION_FAILED);
        assertThat(problem.path("errors").path(field).isArray()).as(response.body()).isTrue();
        assertThat(problem.path("errors").path(field).get(0).asText()).isEqualTo(message);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    @Test
    void validJsonGivesTheDocumentedFields() throws Exception {
        assertThat(fields(postJson("{\"username\":\"alice\",\"password\":\"correct horse\"}")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("username", "alice", "password", "correct horse"));
    }

    @Test
    void deleteBodiesAreReadToo() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(echo).header("Content-Type", "application/json")
                .method("DELETE", BodyPublishers.ofString("{\"password\":\"pw\"}")).build();
        assertThat(fields(client.send(request, BodyHandlers.ofString()))).isEqualTo(Map.of("password", "pw"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"username\":\"alice\"}]", "\"alice\"", "42", "null", "true"})
    void topLevelThatIsNotAnObjectIsMalformed(String json) throws Exception {
        assertProblem(postJson(json), ErrorCode.MALFORMED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"username\":", "{username:\"alice\"}", "{'username':'alice'}", "{\"username\":\"a\",}",
            "{\"a\":NaN}", "{\"a\":01}", "/* c */ {}", ""})
    void malformedJsonIsMalformed(String json) throws Exception {
        assertProblem(postJson(json), ErrorCode.MALFORMED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"username\":\"alice\"} x", "{\"username\":\"alice\"}{\"username\":\"bob\"}",
            "{\"username\":\"alice\"}]", "{} {}"})
    void trailingContentIsMalformed(String json) throws Exception {
        assertProblem(postJson(json), ErrorCode.MALFORMED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"username\":\"alice\",\"username\":\"admin\"}",
            "{\"roles\":[\"user\"],\"roles\":[\"admin\"]}", "{\"x\":{\"a\":1,\"a\":2}}"})
    void duplicateKeysAreMalformed(String json) throws Exception {
        assertProblem(postJson(json), ErrorCode.MALFORMED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "4.2", "true", "false", "{}", "[\"alice\"]", "{\"value\":\"alice\"}"})
    void nonStringForAStringFieldIsAValidationError(String value) throws Exception {
        assertFieldError(postJson("{\"username\":" + value + ",\"password\":\"pw\"}"), "username",
                BodyReader.NOT_A_STRING);
    }

    @Test
    void everyNonStringFieldIsReported() throws Exception {
        JsonNode problem = assertProblem(postJson("{\"username\":1,\"password\":[],\"email\":\"a@b.example\"}"),
                ErrorCode.VALIDATION_FAILED);
        assertThat(problem.path("errors").size()).isEqualTo(2);
        assertThat(problem.path("errors").has("username")).isTrue();
        assertThat(problem.path("errors").has("password")).isTrue();
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndDeeperIsMalformed() throws Exception {
        // The top-level object is level 1.
        assertThat(fields(postJson("{\"username\":\"alice\",\"x\":" + nested(Json.MAX_NESTING_DEPTH - 1) + "}")))
                .isEqualTo(Map.of("username", "alice"));
        assertProblem(postJson("{\"username\":\"alice\",\"x\":" + nested(Json.MAX_NESTING_DEPTH) + "}"),
                ErrorCode.MALFORMED_REQUEST);
        assertProblem(postJson("{\"x\":" + nested(5_000) + "}"), ErrorCode.MALFORMED_REQUEST);
    }

    @Test
    void overlongNumbersAndStringsAreMalformed() throws Exception {
        assertProblem(postJson("{\"x\":" + "9".repeat(Json.MAX_NUMBER_LENGTH + 1) + "}"),
                ErrorCode.MALFORMED_REQUEST);
        assertProblem(postJson("{\"x\":\"" + "a".repeat(3 * Json.MAX_STRING_LENGTH) + "\"}"),
                ErrorCode.MALFORMED_REQUEST);
        assertProblem(postJson("{\"" + "k".repeat(Json.MAX_NAME_LENGTH + 1) + "\":1}"),
                ErrorCode.MALFORMED_REQUEST);
    }

    @Test
    void missingAndNullFieldsAreAbsent() throws Exception {
        assertThat(fields(postJson("{}"))).isEmpty();
        assertThat(fields(postJson("{\"username\":null,\"password\":\"pw\"}"))).isEqualTo(Map.of("password", "pw"));
    }

    @Test
    void extraFieldsAreIgnoredAndNeverReturned() throws Exception {
        String json = "{\"username\":\"alice\",\"roles\":[\"admin\"],\"id\":\"00000000-0000-0000-0000-000000000000\","
                + "\"email_confirmed\":true,\"created_at\":\"2020-01-01T00:00:00Z\",\"identities\":[{}],"
                + "\"bad\":\"\\u0000\\ud800\"}";
        assertThat(fields(postJson(json))).isEqualTo(Map.of("username", "alice"));
    }

    @Test
    void queryParametersAreNeverMerged() throws Exception {
        URI withQuery = URI.create(echo + "?username=admin&password=x");
        assertThat(fields(post(withQuery, "application/json", "{}".getBytes(StandardCharsets.UTF_8)))).isEmpty();
        assertThat(fields(post(withQuery, "application/x-www-form-urlencoded",
                "email=a%40b.example".getBytes(StandardCharsets.UTF_8)))).isEqualTo(Map.of("email", "a@b.example"));
    }

    // ---- size ---------------------------------------------------------------------------------------------------

    /** A valid JSON body of exactly {@code size} bytes (padded with insignificant whitespace). */
    private static byte[] jsonOfSize(int size) {
        byte[] json = "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        System.arraycopy(json, 0, body, 0, json.length);
        return body;
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() throws Exception {
        assertThat(fields(post("application/json", jsonOfSize(MAX_BYTES)))).isEqualTo(Map.of("username", "alice"));
    }

    @Test
    void bodyOneByteOverTheLimitIsTooLarge() throws Exception {
        assertTooLargeOverSocket("application/json", jsonOfSize(MAX_BYTES + 1));
    }

    /**
     * Posts over a plain socket and expects 413. A declared oversize body is refused unread and the connection
     * closed; HttpClient, still writing, sometimes reports that as an I/O error instead of the answer.
     */
    private static void assertTooLargeOverSocket(String contentType, byte[] body) {
        Http.Reply response = new RawHttp(port).send(null, "POST", "/echo", List.of("Content-Type: " + contentType),
                body);
        assertThat(response.status()).as(response.toString()).isEqualTo(413);
        assertThat(response.text()).contains("\"code\":\"payload_too_large\"");
    }

    @Test
    @Timeout(15)
    void oneMebibyteBodyIsTooLarge() throws Exception {
        assertTooLargeOverSocket("application/json", jsonOfSize(1 << 20));
    }

    @Test
    void chunkedOneMebibyteBodyIsTooLarge() throws Exception {
        // ofInputStream has no known length, so HttpClient sends Transfer-Encoding: chunked.
        byte[] body = jsonOfSize(1 << 20);
        HttpRequest request = HttpRequest.newBuilder(echo).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        assertProblem(client.send(request, BodyHandlers.ofString()), ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void chunkedBodyWithinTheLimitIsAccepted() throws Exception {
        byte[] body = jsonOfSize(MAX_BYTES);
        HttpRequest request = HttpRequest.newBuilder(echo).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        assertThat(fields(client.send(request, BodyHandlers.ofString()))).isEqualTo(Map.of("username", "alice"));
    }

    @Test
    @Timeout(15)
    void hugeDeclaredLengthIsRefusedWithoutWaitingForTheBody() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 999999999\r\n\r\n{\"username\":\"alice\"}").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413 ");
            assertThat(response).containsIgnoringCase("content-type: application/problem+json");
            assertThat(response).contains("\"code\":\"payload_too_large\"");
            // The unread body makes the connection unusable, so the answer says it closes.
            assertThat(response).containsIgnoringCase("connection: close");
        }
    }

    /**
     * Reads a status line, headers and a Content-Length body; fails on the socket timeout if the server waits. Not
     * {@link RawHttp}: that asks for {@code Connection: close}, and here whether the server closes on its own is
     * what is tested.
     */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int contentLength = -1;
        int headerEnd = -1;
        byte[] buffer = new byte[4096];
        while (true) {
            String text = raw.toString(StandardCharsets.ISO_8859_1);
            if (headerEnd < 0 && (headerEnd = text.indexOf("\r\n\r\n")) >= 0) {
                for (String line : text.substring(0, headerEnd).split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring("content-length:".length()).strip());
                    }
                }
            }
            if (headerEnd >= 0 && contentLength >= 0 && raw.size() >= headerEnd + 4 + contentLength) {
                return text;
            }
            int read = in.read(buffer);
            if (read < 0) {
                return raw.toString(StandardCharsets.ISO_8859_1);
            }
            raw.write(buffer, 0, read);
        }
    }

    // ---- media types --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json; charset=ISO-8859-1", "application/json;charset=utf-16",
            "application/problem+json", "application/jsonx", "multipart/form-data; boundary=x", "application/xml",
            "application/x-www-form-urlencoded; charset=iso-8859-1", "application/json; charset=utf-8; charset=utf-8",
            "application/json; charset", "*/*"})
    void otherMediaTypesAreUnsupported(String contentType) throws Exception {
        assertProblem(post(contentType, "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8)),
                ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON; Charset=\"UTF-8\"", "application/json;charset=utf-8",
            "APPLICATION/JSON ;  charset=Utf-8", "application/json; foo=bar"})
    void jsonMediaTypeIsMatchedCaseInsensitively(String contentType) throws Exception {
        assertThat(fields(post(contentType, "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Map.of("username", "alice"));
    }

    @Test
    void nonEmptyBodyWithoutContentTypeIsUnsupported() throws Exception {
        assertProblem(post(null, "{\"username\":\"alice\"}".getBytes(StandardCharsets.UTF_8)),
                ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void emptyBodyWithoutContentTypeGivesNoFields() throws Exception {
        assertThat(fields(post(null, new byte[0]))).isEmpty();
        HttpRequest noBody = HttpRequest.newBuilder(echo).POST(BodyPublishers.noBody()).build();
        assertThat(fields(client.send(noBody, BodyHandlers.ofString()))).isEmpty();
    }

    // ---- encoding and characters --------------------------------------------------------------------------------

    @Test
    void invalidUtf8IsMalformed() throws Exception {
        byte[] prefix = "{\"username\":\"".getBytes(StandardCharsets.US_ASCII);
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF})) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(prefix);
            body.write(bad);
            body.write("\"}".getBytes(StandardCharsets.US_ASCII));
            assertProblem(post("application/json", body.toByteArray()), ErrorCode.MALFORMED_REQUEST);
        }
    }

    @Test
    void nonAsciiUtf8IsAccepted() throws Exception {
        assertThat(fields(postJson("{\"username\":\"zoë\",\"password\":\"pässwörd \uD83D\uDE00\"}")))
                .isEqualTo(Map.of("username", "zoë", "password", "pässwörd \uD83D\uDE00"));
        assertThat(fields(postJson("{\"username\":\"\\ud83d\\ude00\"}")))
                .isEqualTo(Map.of("username", "\uD83D\uDE00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\u001f", "\\n", "\\t", "\\u007f", "\\u0085", "\\u009f", "\\ud800",
            "\\udc00", "\\ude00\\ud83d"})
    void controlCharactersAndUnpairedSurrogatesInIdentifiersAreRefused(String escape) throws Exception {
        assertFieldError(postJson("{\"username\":\"al" + escape + "ice\"}"), "username", BodyReader.BAD_CHARACTERS);
        assertFieldError(postJson("{\"email\":\"a" + escape + "@b.example\"}"), "email", BodyReader.BAD_CHARACTERS);
    }

    @Test
    void passwordsKeepControlCharactersExactlyAsSent() throws Exception {
        assertThat(fields(postJson("{\"password\":\"pass\\u0000word\\t\\u007f\"}")))
                .isEqualTo(Map.of("password", "pass\u0000word\t\u007f"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udfff", "x\\ud83d"})
    void unpairedSurrogatesInPasswordsAreRefused(String escape) throws Exception {
        assertFieldError(postJson("{\"password\":\"pass" + escape + "\"}"), "password", BodyReader.BAD_CHARACTERS);
    }

    @Test
    void characterRulesKnowEveryPasswordField() {
        assertThat(BodyReader.PASSWORD_FIELDS)
                .containsExactlyInAnyOrder("password", "current_password", "password_confirmation");
        assertThat(BodyReader.hasForbiddenCharacters("a\u0000b", true)).isFalse();
        assertThat(BodyReader.hasForbiddenCharacters("a\u0000b", false)).isTrue();
        assertThat(BodyReader.hasForbiddenCharacters("a\uD800", true)).isTrue();
        assertThat(BodyReader.hasForbiddenCharacters("\uD83D\uDE00 ok\u00A0", false)).isFalse();
    }

    // ---- forms --------------------------------------------------------------------------------------------------

    @Test
    void formBodyIsDecoded() throws Exception {
        assertThat(fields(postForm("username=alice&password=p%40ss+word%21&email=zo%C3%AB%40b.example&roles=admin")))
                .isEqualTo(Map.of("username", "alice", "password", "p@ss word!", "email", "zoë@b.example"));
    }

    @Test
    void formSyntaxEdgesFollowTheUrlStandard() throws Exception {
        assertThat(fields(postForm("&&username=&password&email=a=b&"))).isEqualTo(
                Map.of("username", "", "password", "", "email", "a=b"));
        assertThat(fields(postForm(""))).isEmpty();
        assertThat(fields(post("application/x-www-form-urlencoded; charset=UTF-8",
                "user%6Eame=alice".getBytes(StandardCharsets.UTF_8)))).isEqualTo(Map.of("username", "alice"));
    }

    @Test
    void repeatedDocumentedFormFieldIsRefused() throws Exception {
        assertFieldError(postForm("username=alice&password=x&username=admin"), "username", BodyReader.REPEATED);
        assertFieldError(postForm("username=alice&user%6Eame=alice"), "username", BodyReader.REPEATED);
    }

    @Test
    void repeatedUndocumentedFormFieldIsIgnored() throws Exception {
        assertThat(fields(postForm("username=alice&roles=a&roles=b"))).isEqualTo(Map.of("username", "alice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"username=%zz", "username=%4", "username=abc%", "username=%C3%28", "roles=%G0",
            "us%ername=x", "username=%C0%AF"})
    void badPercentEscapesAndInvalidUtf8InFormsAreMalformed(String form) throws Exception {
        assertProblem(postForm(form), ErrorCode.MALFORMED_REQUEST);
    }

    @Test
    void rawInvalidUtf8InFormIsMalformed() throws Exception {
        byte[] body = {'u', 's', 'e', 'r', 'n', 'a', 'm', 'e', '=', (byte) 0xC3, 0x28};
        assertProblem(post("application/x-www-form-urlencoded", body), ErrorCode.MALFORMED_REQUEST);
    }

    @Test
    void formFieldsFollowTheSameCharacterRules() throws Exception {
        assertFieldError(postForm("username=al%00ice"), "username", BodyReader.BAD_CHARACTERS);
        assertThat(fields(postForm("password=pass%00word"))).isEqualTo(Map.of("password", "pass\u0000word"));
    }

    @Test
    void formBodyOverTheLimitIsTooLarge() throws Exception {
        assertTooLargeOverSocket("application/x-www-form-urlencoded",
                ("username=" + "a".repeat(MAX_BYTES)).getBytes(StandardCharsets.US_ASCII));
    }

    // ---- the strict mapper --------------------------------------------------------------------------------------

    record Sample(String name, Long refreshExpiresIn) {
    }

    @Test
    void jsonWriteKeepsNullValues() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("expires_in", 300);
        response.put("refresh_expires_in", null);
        assertThat(new String(Json.write(response), StandardCharsets.UTF_8))
                .isEqualTo("{\"expires_in\":300,\"refresh_expires_in\":null}");
        assertThat(new String(Json.write(new Sample("zoë", null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"zoë\",\"refreshExpiresIn\":null}");
    }

    @Test
    void jsonReadTreeRefusesWhatIsNotStrictJson() {
        for (String json : List.of("{\"a\":1,\"a\":1}", "{} []", "{", "\uFEFF{}")) {
            assertThatThrownBy(() -> Json.readTree(json.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(AccessPassException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
        }
        assertThat(Json.readTree("{\"a\":[1,2.5,\"x\"]}".getBytes(StandardCharsets.UTF_8)).path("a").size())
                .isEqualTo(3);
    }
}
