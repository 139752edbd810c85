package dev.accesspass.servlet;

import dev.accesspass.servlet.testing.ServletServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BearerCredentialsTest {
    private static final String TOKEN = "abc";

    private static BearerCredentials parse(String... headerValues) {
        return BearerCredentials.parse(Arrays.asList(headerValues));
    }

    private static void assertInvalid(BearerCredentials credentials) {
        assertThat(credentials.present()).isTrue();
        assertThat(credentials.token()).isEmpty();
    }

    @Test
    void noHeaderIsNotPresented() {
        for (BearerCredentials credentials : List.of(BearerCredentials.parse(List.of()),
                BearerCredentials.parse(null))) {
            assertThat(credentials.present()).isFalse();
            assertThat(credentials.token()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void schemeIsCaseInsensitive(String scheme) {
        BearerCredentials credentials = parse(scheme + " " + TOKEN);
        assertThat(credentials.present()).isTrue();
        assertThat(credentials.token()).hasValue(TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mF_9.B5f-4.1JqM", "a+b/c~d", "abc=", "abc==", "0", "A-._~+/Z==",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"})
    void everyB64TokenCharacterIsAccepted(String token) {
        assertThat(parse("Bearer " + token).token()).hasValue(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer  abc", "Bearer abc def", "Bearer", "Bearer ", "Bearer =",
            "Bearer ab=c", " Bearer abc", "Bearer abc ", "Bearer\tabc",
            "Bearer abc%20", "Bearer \"abc\"", "Bearer abc,def", "Bearer abc, Bearer def", "Bearer ab;c",
            "Bearer abç", "Bearer ab\u0000c", "Bearer abc\r\n", "Bearer ＡＢＣ", "bearer\t", "BEARER  abc"})
    void aMalformedBearerCredentialIsPresentedButInvalid(String header) {
        assertInvalid(parse(header));
    }

    /** RFC 6750 §3.1: a request with no bearer token at all gets a challenge without an error attribute. */
    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Basic abc", "Bearerabc", "Bearer: abc", "Token abc", "", " ",
            "Beare\u0280 abc", "Negotiate abc", "Digest username=\"a\"", "abc"})
    void anotherSchemeOrAnEmptyHeaderPresentsNoBearerCredential(String header) {
        BearerCredentials credentials = parse(header);
        assertThat(credentials.present()).as(header).isFalse();
        assertThat(credentials.token()).isEmpty();
    }

    @Test
    void nullHeaderValuePresentsNoBearerCredential() {
        BearerCredentials credentials = BearerCredentials.parse(Arrays.asList((String) null));
        assertThat(credentials.present()).isFalse();
        assertThat(credentials.token()).isEmpty();
    }

    @Test
    void moreThanOneHeaderIsInvalidEvenIfBothAreValid() {
        assertInvalid(parse("Bearer abc", "Bearer abc"));
        assertInvalid(parse("Bearer abc", "Basic dXNlcjpwYXNz"));
    }

    @Test
    void severalHeadersOfOtherSchemesPresentNoBearerCredential() {
        BearerCredentials credentials = parse("Basic dXNlcjpwYXNz", "Negotiate abc");
        assertThat(credentials.present()).isFalse();
        assertThat(credentials.token()).isEmpty();
    }

    @Test
    void tokenLengthIsLimited() {
        String longest = "a".repeat(BearerCredentials.MAX_TOKEN_LENGTH);
        assertThat(parse("Bearer " + longest).token()).hasValue(longest);
        assertInvalid(parse("Bearer " + longest + "a"));
        assertInvalid(parse("Bearer " + "a".repeat(8 * 1024)));
        assertInvalid(parse("Bearer " + "a".repeat(255) + "=="));
    }

    @Test
    void toStringNeverShowsTheToken() {
        String secret = "s3cr3t-t0ken-value";
        assertThat(parse("Bearer " + secret).toString()).doesNotContain(secret).contains("present=true");
        assertThat(parse("Bearer " + secret + " x").toString()).doesNotContain(secret);
        assertThat(BearerCredentials.parse(List.of()).toString()).contains("present=false");
    }

    // ---- through a real container -------------------------------------------------------------------------------

    private static ServletServer server;
    private static URI probe;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Answers "present token" for the request's credentials, e.g. {@code "true abc"} or {@code "false -"}. */
    static final class ProbeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            BearerCredentials credentials = BearerCredentials.from(request);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().write(credentials.present() + " " + credentials.token().orElse("-"));
        }
    }

    @BeforeAll
    static void startServer() {
        server = ServletServer.start("/probe", new ProbeServlet());
        probe = URI.create(server.baseUrl() + "/probe");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }

    @Test
    void fromReadsTheAuthorizationHeader() throws Exception {
        assertThat(send(HttpRequest.newBuilder(probe))).isEqualTo("false -");
        assertThat(send(HttpRequest.newBuilder(probe).header("Authorization", "Bearer abc"))).isEqualTo("true abc");
        assertThat(send(HttpRequest.newBuilder(probe).header("Authorization", "Basic dXNlcjpwYXNz")))
                .isEqualTo("false -");
        assertThat(send(HttpRequest.newBuilder(probe).header("Authorization", "Bearer  abc"))).isEqualTo("true -");
    }

    @Test
    void fromRefusesTwoAuthorizationHeaders() throws Exception {
        assertThat(send(HttpRequest.newBuilder(probe).header("Authorization", "Bearer abc")
                .header("Authorization", "Bearer def"))).isEqualTo("true -");
    }

    @Test
    void fromIgnoresAccessTokenParameters() throws Exception {
        URI withQuery = URI.create(probe + "?access_token=abc");
        assertThat(send(HttpRequest.newBuilder(withQuery))).isEqualTo("false -");
        assertThat(send(HttpRequest.newBuilder(withQuery)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("access_token=abc")))).isEqualTo("false -");
    }
}
