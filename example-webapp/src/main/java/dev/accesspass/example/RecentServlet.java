package dev.accesspass.example;

import dev.accesspass.servlet.Protected;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /api/recent}: needs a login (or re-authentication) of the last 60 seconds, else 401 step_up_required. */
public class RecentServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    @Protected(maxAge = 60)
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonOut.write(response, "{\"recent\":" + JsonOut.quote(request.getUserPrincipal().getName()) + "}");
    }
}
