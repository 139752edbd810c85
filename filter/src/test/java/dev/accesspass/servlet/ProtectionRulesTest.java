package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protection rules that {@link ProtectionTest} leaves open, found by mutation testing of the guard: a method-level
 * {@code @Protected} on {@code doGet} also covers HEAD (SR-52), and an exact {@code protected-paths} entry protects
 * exactly its path (SR-51). Through HTTP only, so the tests hold whatever shape the guard takes inside.
 */
class ProtectionRulesTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Http http;
    private static String token;

    /** No class annotation; only {@code doGet} is protected. */
    public static class GetOnly extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @Protected
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/json");
            response.getWriter().write("{\"get\":\"" + request.getRemoteUser() + "\"}");
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/json");
            response.getWriter().write("{\"post\":\"open\"}");
        }
    }

    /** No annotation at all. */
    public static class Open extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/json");
            response.getWriter().write("{\"open\":\"" + request.getRemoteUser() + "\"}");
        }
    }

    @BeforeAll
    static void start() {
        server = TestServer.builder().set("protected-paths", "/reports/annual")
                .servlet("/get-only", new GetOnly()).servlet("/reports/*", new Open()).start();
        http = server.http();
        token = http.register("erin", PASSWORD).field("access_token");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sr52_headFollowsAMethodLevelProtectedGet() {
        assertThat(http.send("HEAD", "/get-only", null, null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("HEAD", "/get-only", null, null, Map.of("Authorization", "Bearer " + token))
                .status()).isEqualTo(200);
        assertThat(http.get("/get-only", null).status()).isEqualTo(401);
        assertThat(http.get("/get-only", token).text()).isEqualTo("{\"get\":\"erin\"}");
        assertThat(http.send("POST", "/get-only", "application/json", "{}".getBytes(), Map.of()).status())
                .as("doPost has no annotation").isEqualTo(200);
    }

    @Test
    void sr51_anExactProtectedPathProtectsExactlyThatPath() {
        Http.Reply denied = http.get("/reports/annual", null);
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        assertThat(http.get("/reports/annual", token).text()).isEqualTo("{\"open\":\"erin\"}");

        assertThat(http.get("/reports/annual2", null).text()).isEqualTo("{\"open\":\"null\"}");
        assertThat(http.get("/reports/monthly", null).status()).isEqualTo(200);
    }
}
