package dev.accesspass.example;

import dev.accesspass.servlet.Protected;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /api/admin}: needs the {@code admin} role. */
@Protected(roles = "admin")
public class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonOut.write(response, "{\"admin\":" + JsonOut.quote(request.getRemoteUser()) + "}");
    }
}
