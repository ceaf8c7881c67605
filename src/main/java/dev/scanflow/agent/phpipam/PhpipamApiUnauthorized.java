package dev.scanflow.agent.phpipam;

/**
 * phpIPAM refused the agent's credentials: 401 "Unauthorized" (unknown or missing app code), 403 "Invalid
 * token" (another app's code) or 400 "Invalid application id". A settings problem: never hidden by the cache.
 */
public class PhpipamApiUnauthorized extends PhpipamApiException {

    public PhpipamApiUnauthorized(int status, String message) {
        super(status, message);
    }
}
