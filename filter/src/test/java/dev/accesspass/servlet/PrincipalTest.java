package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.UserId;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request wrapper: principal, remote user, roles and auth type come from the token only (SR-54). */
class PrincipalTest {
    private static TestServer server;
    private static Http http;
    private static String userToken;
    private static String adminToken;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
        userToken = http.register("alice", "correct horse battery").field("access_token");
        http.register("root", "correct horse battery");
        UserId root = server.accessPass().findUser("root").orElseThrow().id();
        server.accessPass().grantRole(root, "admin");
        adminToken = server.accessPass().openSession(root, Map.of()).accessToken();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String probe(String token, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        if (token != null) {
            all.put("Authorization", "Bearer " + token);
        }
        Http.Reply reply = http.send("GET", "/probe", null, null, all);
        assertThat(reply.status()).isEqualTo(200);
        return reply.text();
    }

    @Test
    void sr54_noTokenMeansNoIdentity() {
        assertThat(probe(null, Map.of()))
                .isEqualTo("{\"principal\":null,\"remoteUser\":null,\"admin\":false,\"authType\":null}");
    }

    @Test
    void sr54_userToken() {
        assertThat(probe(userToken, Map.of()))
                .isEqualTo("{\"principal\":\"alice\",\"remoteUser\":\"alice\",\"admin\":false,\"authType\":\"BEARER\"}");
    }

    @Test
    void sr54_adminToken() {
        assertThat(probe(adminToken, Map.of()))
                .isEqualTo("{\"principal\":\"root\",\"remoteUser\":\"root\",\"admin\":true,\"authType\":\"BEARER\"}");
    }

    @Test
    void sr54_headersNeverSetAnIdentity() {
        Map<String, String> forged = Map.of("X-Remote-User", "admin", "X-User-Id", "root", "X-Forwarded-User", "root",
                "Remote-User", "root");
        assertThat(probe(null, forged)).isEqualTo(probe(null, Map.of()));
        assertThat(probe(userToken, forged)).isEqualTo(probe(userToken, Map.of()));
    }

    @Test
    void sr54_aBadTokenOnAnUnprotectedRouteIsAnonymous() {
        assertThat(probe("x".repeat(43), Map.of())).isEqualTo(probe(null, Map.of()));
    }
}
