package dev.scanflow.server.api;

/** A response body already written out, with its media type and, for downloads, a file name. */
public record Rendered(String contentType, String fileName, String text) {

    public String contentDisposition() {
        return fileName == null ? null : "attachment; filename=\"" + fileName + "\"";
    }
}
