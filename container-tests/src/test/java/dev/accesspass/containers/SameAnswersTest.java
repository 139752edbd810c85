package dev.accesspass.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.Http.Reply;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same web.xml application on Tomcat 11 and on Jetty 12 (ee10) gives the same status and problem code for a batch
 * of awkward requests, without a token and with one. A difference would be a place where the filter depends on one
 * container's behaviour. Two differences belong to the containers themselves, before or after the filter, and are
 * listed in {@link #containersDifferHere}.
 */
class SameAnswersTest {
    private static final String[] PATHS = {
        "/api/hello", "/api/hello;x=y", "/api/hello/", "/api/./hello", "/public/../api/hello", "/api/%2e/hello",
        "/api/%68ello", "/api/admin", "/public/fwd", "/public/hello", "/probe", "/mixed", "/files/report.txt",
        "/files/%72eport.txt", "/auth/check", "/auth/me", "/auth/nope", "/auth/login", "/auth/check;x=y",
        "/auth/%63heck", "/auth/check/", "/auth/"};
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"};

    @Test
    void SR51_tomcatAndJettyAnswerAlike() throws Exception {
        try (Deployment tomcat = TomcatServer.start(Webapps.webXmlApp(), null);
             Deployment jetty = JettyServer.start(Webapps.webXmlApp())) {
            String tomcatToken = token(tomcat.http());
            String jettyToken = token(jetty.http());
            List<String> differences = new ArrayList<>();
            for (String method : METHODS) {
                for (String path : PATHS) {
                    String onTomcat = answer(tomcat.http(), method, path, null);
                    String onJetty = answer(jetty.http(), method, path, null);
                    if (!onTomcat.equals(onJetty) && !containersDifferHere(method, path, onJetty)) {
                        differences.add(method + " " + path + " without token: Tomcat " + onTomcat + ", Jetty " + onJetty);
                    }
                    onTomcat = answer(tomcat.http(), method, path, tomcatToken);
                    onJetty = answer(jetty.http(), method, path, jettyToken);
                    if (!onTomcat.equals(onJetty) && !containersDifferHere(method, path, onJetty)) {
                        differences.add(method + " " + path + " with token: Tomcat " + onTomcat + ", Jetty " + onJetty);
                    }
                }
            }
            assertThat(differences).isEmpty();
        }
    }

    /**
     * Where the containers themselves differ, not the filter:
     * <ul>
     *   <li>Jetty refuses an encoded dot segment ({@code /api/%2e/hello}) with 400 before any filter runs (its URI
     *       compliance); Tomcat decodes and normalizes it to {@code /api/hello}, where the filter answers 401.
     *   <li>A {@code POST} or {@code PUT} that ends at the container's default servlet (static files, unmapped paths):
     *       Tomcat's {@code DefaultServlet} answers {@code POST} like {@code GET}, Jetty's answers 405.
     * </ul>
     */
    private static boolean containersDifferHere(String method, String path, String onJetty) {
        boolean encodedDot = path.contains("%2e") && onJetty.equals("400");
        boolean defaultServletPost = (method.equals("POST") || method.equals("PUT"))
                && (path.startsWith("/files/") || path.equals("/api/hello/")) && onJetty.equals("405");
        return encodedDot || defaultServletPost;
    }

    private static String token(Http http) {
        Reply registered = http.register("same-answers", "correct horse battery");
        assertThat(registered.status()).isEqualTo(201);
        return registered.field("access_token");
    }

    private static String answer(Http http, String method, String path, String token) {
        byte[] body = method.equals("POST") || method.equals("PUT") ? "{}".getBytes(StandardCharsets.UTF_8) : null;
        Reply reply = http.send(method, path, body == null ? null : "application/json", body,
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
        String code = reply.code();
        return reply.status() + (code == null ? "" : " " + code);
    }
}
