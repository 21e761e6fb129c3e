package io.prometheusrelay.receiver.decode;

/** Which remote-write message a request carries, from its {@code Content-Type}'s {@code proto} parameter. */
public enum RemoteWriteVersion {

	/** {@code prometheus.WriteRequest}, also what a request without a {@code proto} parameter carries. */
	V1("prometheus.WriteRequest"),

	/** {@code io.prometheus.write.v2.Request}; answered with the {@code X-Prometheus-Remote-Write-*-Written} headers. */
	V2("io.prometheus.write.v2.Request");

	private final String message;

	RemoteWriteVersion(String message) {
		this.message = message;
	}

	public String message() {
		return this.message;
	}

}
