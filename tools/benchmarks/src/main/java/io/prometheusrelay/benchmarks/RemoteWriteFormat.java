package io.prometheusrelay.benchmarks;

/** The remote-write version a load generator sends, with the headers that name it. */
enum RemoteWriteFormat {

	/** {@code prometheus.WriteRequest}: labels in every series. */
	V1("1.0", "application/x-protobuf", "0.1.0"),

	/** {@code io.prometheus.write.v2.Request}: a symbols table per request, series refer to it. */
	V2("2.0", "application/x-protobuf;proto=io.prometheus.write.v2.Request", "2.0.0");

	private final String version;

	private final String contentType;

	private final String versionHeader;

	RemoteWriteFormat(String version, String contentType, String versionHeader) {
		this.version = version;
		this.contentType = contentType;
		this.versionHeader = versionHeader;
	}

	/** {@code 1.0} or {@code 2.0}, as the option {@code --versions} and the results name it. */
	String version() {
		return this.version;
	}

	String contentType() {
		return this.contentType;
	}

	/** The {@code X-Prometheus-Remote-Write-Version} header's value. */
	String versionHeader() {
		return this.versionHeader;
	}

	static RemoteWriteFormat of(String version) {
		for (RemoteWriteFormat format : values()) {
			if (format.version.equals(version.trim())) {
				return format;
			}
		}
		throw new IllegalArgumentException("Unknown remote-write version '" + version + "' (1.0 or 2.0)");
	}

}
