package dev.accesspass.example;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.accesspass.servlet.Protected;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code POST /api/qr}: the request body (an {@code otpauth://} URI, as text) drawn as a QR code in SVG, for the
 * two-step login setup. Drawn here, on the server, with ZXing, because the page's Content-Security-Policy allows no
 * third-party script; the URI travels in a POST body, never in a URL that could end up in a log or the history. Only
 * for signed-in users, and never stored or logged: the URI holds the TOTP secret.
 */
@Protected
public class QrServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_TEXT = 512;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_TEXT + 1);
        String text = new String(body, StandardCharsets.UTF_8);
        if (body.length == 0 || body.length > MAX_TEXT || !text.startsWith("otpauth://")) {
            response.sendError(400);
            return;
        }
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
        } catch (WriterException e) {
            response.sendError(400);
            return;
        }
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(matrix.getWidth()).append(' ').append(matrix.getHeight())
                .append("\" width=\"200\" height=\"200\" shape-rendering=\"crispEdges\">")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                if (matrix.get(x, y)) {
                    svg.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        svg.append("\"/></svg>");
        response.setContentType("image/svg+xml;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(svg.toString().getBytes(StandardCharsets.UTF_8));
    }
}
