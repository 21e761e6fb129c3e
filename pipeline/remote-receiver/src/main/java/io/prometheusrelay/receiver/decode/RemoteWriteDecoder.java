package io.prometheusrelay.receiver.decode;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.EncodedExemplar;
import io.prometheusrelay.protocol.remotewrite.EncodedHistogram;
import io.prometheusrelay.protocol.remotewrite.EncodedMetadata;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.RemoteWriteV2Translator;
import io.prometheusrelay.protocol.remotewrite.Utf8;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;
import io.prometheusrelay.protocol.remotewrite.WriteRequestWriter;
import org.jspecify.annotations.Nullable;

/**
 * Turns a remote-write 1.0 or 2.0 request (headers and snappy-compressed body) into a
 * {@link DecodedBatch} or a {@link RemoteWriteRejection}, within the configured limits.
 */
public final class RemoteWriteDecoder {

	private static final String PROTOBUF = "application/x-protobuf";


	private final RemoteWriteLimits limits;

	private final SeriesValidator validator;

	private final RemoteWriteV2Translator translator;

	public RemoteWriteDecoder(RemoteWriteLimits limits) {
		this.limits = limits;
		this.validator = new SeriesValidator(limits);
		this.translator = new RemoteWriteV2Translator(limits.maxSymbols(), limits.maxLabelValueBytes(),
				(int) Math.min(Integer.MAX_VALUE - 8, limits.maxDecodedBytes()));
	}

	public RemoteWriteLimits limits() {
		return this.limits;
	}

	/**
	 * Checks the headers before the body is read, and tells which message the body is. A missing
	 * Content-Type, or one without a {@code proto} parameter, is remote-write 1.0, as the 2.0 spec
	 * says (senders from before the 1.0 spec omit it); the encoding must be snappy.
	 */
	public RemoteWriteVersion checkHeaders(@Nullable String contentType, @Nullable String contentEncoding) {
		RemoteWriteVersion version = RemoteWriteVersion.V1;
		if (contentType != null && !contentType.isBlank()) {
			String[] parts = contentType.split(";");
			if (!parts[0].trim().equalsIgnoreCase(PROTOBUF)) {
				throw RemoteWriteRejection.unsupportedMedia(
						"unsupported Content-Type '" + contentType + "'; expected " + PROTOBUF);
			}
			for (int i = 1; i < parts.length; i++) {
				String[] parameter = parts[i].trim().split("=", 2);
				if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("proto")) {
					version = version(parameter[1].trim());
				}
			}
		}
		if (contentEncoding == null || !contentEncoding.trim().toLowerCase(Locale.ROOT).equals("snappy")) {
			throw RemoteWriteRejection.unsupportedMedia("unsupported Content-Encoding '"
					+ (contentEncoding == null ? "" : contentEncoding) + "'; remote-write requires snappy");
		}
		return version;
	}

	private static RemoteWriteVersion version(String message) {
		for (RemoteWriteVersion version : RemoteWriteVersion.values()) {
			if (version.message().equals(message)) {
				return version;
			}
		}
		throw RemoteWriteRejection.unsupportedMedia("unsupported protobuf message '" + message + "'; expected "
				+ RemoteWriteVersion.V1.message() + " (remote-write 1.0) or " + RemoteWriteVersion.V2.message() + " (2.0)");
	}

	/**
	 * The decoded size the body's snappy header declares, which decoding will allocate: charged to the
	 * in-flight budget before it is.
	 * @throws RemoteWriteRejection for an empty body or a malformed header
	 */
	public long declaredDecodedSize(byte[] body) {
		if (body.length == 0) {
			throw RemoteWriteRejection.malformed("empty_body", "empty body; expected a snappy-compressed WriteRequest");
		}
		return SnappyBlock.declaredLength(body);
	}

	/** A remote-write 1.0 body. */
	public DecodedBatch decode(byte[] body, long nowMillis) {
		return decode(body, nowMillis, RemoteWriteVersion.V1);
	}

	/**
	 * Decodes and checks a body; a 2.0 one is first turned into the pipeline's 1.0 encoding (see
	 * {@link RemoteWriteV2Translator}), whose copy is bounded by {@code max-decoded-size} too.
	 */
	public DecodedBatch decode(byte[] body, long nowMillis, RemoteWriteVersion version) {
		if (body.length > this.limits.maxBodyBytes()) {
			throw RemoteWriteRejection.tooLarge("body_too_large",
					"body of " + body.length + " bytes exceeds the limit of " + this.limits.maxBodyBytes());
		}
		byte[] decoded = SnappyBlock.decode(body, this.limits.maxDecodedBytes());
		if (version == RemoteWriteVersion.V2) {
			decoded = translate(decoded);
		}
		Validation validation = new Validation(decoded, nowMillis);
		try {
			WriteRequestReader.read(decoded, validation);
		}
		catch (InvalidProtocolBufferException ex) {
			throw RemoteWriteRejection.malformed("invalid_protobuf", "invalid WriteRequest protobuf: " + ex.getMessage());
		}
		return validation.result();
	}

	private byte[] translate(byte[] request) {
		try {
			return this.translator.translate(request);
		}
		catch (InvalidProtocolBufferException ex) {
			throw RemoteWriteRejection.malformed("invalid_protobuf",
					"invalid " + RemoteWriteVersion.V2.message() + " protobuf: " + ex.getMessage());
		}
		catch (RemoteWriteV2Translator.InvalidRequestException ex) {
			throw ex.reasonTag().equals(RemoteWriteV2Translator.TRANSLATED_TOO_LARGE)
					? RemoteWriteRejection.tooLarge(ex.reasonTag(), ex.getMessage())
					: RemoteWriteRejection.malformed(ex.reasonTag(), ex.getMessage());
		}
	}

	/**
	 * Visits every series once: validates and counts it, and remembers where the valid series and the
	 * metadata are, so that when some series are rejected the rest can be copied out as they are.
	 */
	private final class Validation implements WriteRequestReader.Visitor {

		private final byte[] decoded;

		private final long nowMillis;

		private final Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);

		/** Fields to keep, as (field number, offset, length) triples. */
		private int[] kept = new int[3 * 64];

		private int keptFields;

		private int series;

		private int validSeries;

		private long samples;

		private long histograms;

		private long exemplars;

		/** Reused to read each native histogram and exemplar. */
		private final EncodedHistogram histogram = new EncodedHistogram();

		private final EncodedExemplar exemplar = new EncodedExemplar();

		private final EncodedMetadata metadataEntry = new EncodedMetadata();

		private int metadata;

		/** The first histogram or exemplar problem, for the answer. */
		private @Nullable String firstProblem;

		Validation(byte[] decoded, long nowMillis) {
			this.decoded = decoded;
			this.nowMillis = nowMillis;
		}

		@Override
		public void series(EncodedSeries encoded) {
			if (++this.series > RemoteWriteDecoder.this.limits.maxSeries()) {
				throw RemoteWriteRejection.tooLarge("too_many_series",
						"request holds more than " + RemoteWriteDecoder.this.limits.maxSeries() + " series");
			}
			RejectReason reason = RemoteWriteDecoder.this.validator.check(encoded, this.nowMillis);
			if (reason == null && encoded.histogramCount() > 0) {
				reason = noted(RejectReason.INVALID_HISTOGRAM, "histogram",
						SeriesValidator.histogramProblem(encoded, this.histogram));
			}
			if (reason == null && encoded.exemplarCount() > 0) {
				reason = noted(RejectReason.INVALID_EXEMPLAR, "exemplar",
						SeriesValidator.exemplarProblem(encoded, this.exemplar));
			}
			if (reason != null) {
				this.rejected.merge(reason, 1, Integer::sum);
				return;
			}
			this.validSeries++;
			this.samples += encoded.sampleCount() + encoded.histogramCount();
			this.histograms += encoded.histogramCount();
			this.exemplars += encoded.exemplarCount();
			keep(1, encoded.offset(), encoded.length());
		}

		/** {@code reason} when there is a problem, which is kept when it is the first; else null. */
		private @Nullable RejectReason noted(RejectReason reason, String kind, @Nullable String problem) {
			if (problem == null) {
				return null;
			}
			if (this.firstProblem == null) {
				this.firstProblem = "the first invalid " + kind + ": " + problem;
			}
			return reason;
		}

		/**
		 * A metadata entry is kept when its family is named and its texts are UTF-8. Prometheus sends
		 * metadata in requests of their own, so a bad entry fails its request, as malformed input does.
		 */
		@Override
		public void metadata(byte[] buf, int offset, int length) {
			String problem = metadataProblem(buf, offset, length);
			if (problem != null) {
				throw RemoteWriteRejection.malformed("invalid_metadata", "invalid metadata: " + problem);
			}
			this.metadata++;
			keep(3, offset, length);
		}

		private @Nullable String metadataProblem(byte[] buf, int offset, int length) {
			try {
				this.metadataEntry.read(buf, offset, length);
			}
			catch (InvalidProtocolBufferException ex) {
				return ex.getMessage();
			}
			EncodedMetadata entry = this.metadataEntry;
			if (entry.familyLength() == 0) {
				return "an entry names no metric family";
			}
			if (entry.familyLength() > RemoteWriteDecoder.this.limits.maxLabelValueBytes()
					|| entry.helpLength() > RemoteWriteDecoder.this.limits.maxLabelValueBytes()
					|| entry.unitLength() > RemoteWriteDecoder.this.limits.maxLabelValueBytes()) {
				return "a family name, help or unit is longer than " + RemoteWriteDecoder.this.limits.maxLabelValueBytes()
						+ " bytes";
			}
			boolean utf8 = Utf8.isValid(buf, entry.familyOffset(), entry.familyLength())
					&& Utf8.isValid(buf, entry.helpOffset(), entry.helpLength())
					&& Utf8.isValid(buf, entry.unitOffset(), entry.unitLength());
			return utf8 ? null : "a family name, help or unit is not UTF-8";
		}

		private void keep(int field, int offset, int length) {
			if (3 * this.keptFields == this.kept.length) {
				this.kept = Arrays.copyOf(this.kept, this.kept.length * 2);
			}
			this.kept[3 * this.keptFields] = field;
			this.kept[3 * this.keptFields + 1] = offset;
			this.kept[3 * this.keptFields + 2] = length;
			this.keptFields++;
		}

		DecodedBatch result() {
			if (this.rejected.isEmpty()) {
				return new DecodedBatch(this.decoded, this.validSeries, this.samples, this.histograms, this.exemplars,
						this.metadata, this.rejected, null);
			}
			WriteRequestWriter writer = new WriteRequestWriter(this.decoded.length);
			for (int i = 0; i < this.keptFields; i++) {
				int offset = this.kept[3 * i + 1];
				int length = this.kept[3 * i + 2];
				if (this.kept[3 * i] == 1) {
					writer.series(this.decoded, offset, length);
				}
				else {
					writer.metadata(this.decoded, offset, length);
				}
			}
			return new DecodedBatch(writer.toByteArray(), this.validSeries, this.samples, this.histograms, this.exemplars,
					this.metadata, this.rejected, this.firstProblem);
		}

	}

}
