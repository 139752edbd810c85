package dev.accesspass.benchmarks.peers;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

/**
 * {@code GET /hello} → {@code {"hello":"<name>"}}, the name from {@code request.getUserPrincipal()}: the one servlet
 * every variant serves, so each one has to make the authenticated user visible the standard servlet way.
 */
final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The name without a principal (variant {@code none}); as long as the benchmark user's, so bodies match. */
    static final String ANONYMOUS = "guest";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Principal principal = request.getUserPrincipal();
        // The benchmark's names are plain ASCII letters: nothing to escape.
        byte[] body = ("{\"hello\":\"" + (principal == null ? ANONYMOUS : principal.getName()) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
