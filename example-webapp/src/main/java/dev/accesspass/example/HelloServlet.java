package dev.accesspass.example;

import dev.accesspass.servlet.Protected;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /api/hello}: needs a valid token; greets the token's user through the servlet principal. */
@Protected
public class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonOut.write(response, "{\"hello\":" + JsonOut.quote(request.getUserPrincipal().getName()) + "}");
    }
}
