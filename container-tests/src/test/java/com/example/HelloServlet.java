package com.example;

import dev.accesspass.servlet.Protected;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Answers only requests with a valid access token: AccessPassFilter checks it before this servlet runs. */
@Protected
public class HelloServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println("Hello, " + request.getRemoteUser()
                + (request.isUserInRole("admin") ? " (admin)" : ""));
    }
}
