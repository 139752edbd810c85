package dev.accesspass.example;

import dev.accesspass.servlet.Protected;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /api/mfa}: needs a session opened (or re-authenticated) with a second factor, else step_up_required. */
@Protected(mfa = true)
public class MfaServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonOut.write(response, "{\"mfa\":" + JsonOut.quote(request.getUserPrincipal().getName()) + "}");
    }
}
