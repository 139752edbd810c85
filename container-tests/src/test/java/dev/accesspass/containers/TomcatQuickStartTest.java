package dev.accesspass.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.Http.Reply;
import dev.accesspass.testing.Http;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's quick start as a user would run it: its {@code web.xml}, servlet and hooks class (the very files
 * {@link ReadmeSnippetsTest} compares with the README) deployed on Tomcat, then its curl steps. Runs on Tomcat 11 and,
 * in the second surefire execution, on Tomcat 10.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatQuickStartTest {
    private static final String PASSWORD = "correct horse battery";
    private TomcatServer tomcat;
    private Http http;

    @BeforeAll
    void deploy() throws Exception {
        tomcat = TomcatServer.start(Webapps.quickStartApp(), null);
        http = tomcat.http();
    }

    @AfterAll
    void undeploy() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void runsOnTheTomcatThisExecutionIsFor() {
        assertThat(ServerInfo.getServerNumber()).startsWith(System.getProperty("containers.tomcat.version", "11."));
    }

    @Test
    void theProtectedServletNeedsAToken() {
        Reply anonymous = http.get("/api/hello", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        assertThat(anonymous.header("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value)
                .startsWith("Bearer realm="));
    }

    @Test
    void registerThenCallTheServletWithTheAccessToken() {
        Reply registered = http.register("bob", PASSWORD);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        assertThat(registered.field("greeting")).isEqualTo("Welcome, bob");
        Reply hello = http.get("/api/hello", registered.field("access_token"));
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.text()).isEqualTo("Hello, bob\n");
    }

    @Test
    void theHooksGrantAdminToTheListedUser() {
        Reply registered = http.register("alice", PASSWORD);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        Reply login = http.login("alice", PASSWORD);
        assertThat(login.json().at("/user/roles/0").asText()).isEqualTo("admin");
        assertThat(http.get("/api/hello", login.field("access_token")).text()).isEqualTo("Hello, alice (admin)\n");
    }
}
