package dev.scanflow.management;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 written by hand over a socket, as an attacker would: any Host, Origin or forwarding header, any
 * method and body (java.net.http refuses to send a Host header of one's choosing).
 */
final class RawHttp {

    record Reply(int status, String head, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final int port;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private RawHttp(int port) {
        this.port = port;
        headers.put("Host", "127.0.0.1:" + port);
    }

    static RawHttp to(int port) {
        return new RawHttp(port);
    }

    RawHttp header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    RawHttp bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    RawHttp basic(String user, String password) {
        return header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    /** text/plain, as a web page may send without a CORS preflight. */
    Reply postText(String path, String body) {
        return send("POST", path, "text/plain", body);
    }

    Reply postJson(String path, String body) {
        return send("POST", path, "application/json", body);
    }

    Reply send(String method, String path, String contentType, String body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String rest = split < 0 ? "" : text.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                rest = dechunk(rest);
            }
            return new Reply(Integer.parseInt(head.split(" ")[1]), head, rest);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
