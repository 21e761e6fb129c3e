package io.prometheusrelay.protocol.remotewrite;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Turns a remote-write 2.0 {@code io.prometheus.write.v2.Request} into the pipeline's
 * {@code prometheus.WriteRequest}, which every hop relays and the api-servers store: each series'
 * label references resolved into labels; samples and histograms copied as they are (the messages
 * are the same in both versions); exemplars' label references resolved; each series' metadata
 * made its family's {@code MetricMetadata} (the family named by the series' {@code __name__}, once
 * per request); the created timestamp kept in the TimeSeries (field 6, this project's).
 * <p>
 * The symbols table is checked before any reference is followed: at most {@code maxSymbols}
 * symbols of at most {@code maxSymbolBytes} bytes, the first one empty, and every reference within
 * it. A request that breaks any of these is refused whole.
 */
public final class RemoteWriteV2Translator {

	/** The reason tag of a request whose translation would pass {@code maxTranslatedBytes}. */
	public static final String TRANSLATED_TOO_LARGE = "translated_too_large";

	private static final byte[] METRIC_NAME = "__name__".getBytes(StandardCharsets.UTF_8);

	private final int maxSymbols;

	private final int maxSymbolBytes;

	private final int maxTranslatedBytes;

	/**
	 * @param maxTranslatedBytes most bytes the translated request may have: references let a small
	 * request name long symbols many times, so the copy is bounded, not only the request
	 */
	public RemoteWriteV2Translator(int maxSymbols, int maxSymbolBytes, int maxTranslatedBytes) {
		this.maxSymbols = maxSymbols;
		this.maxSymbolBytes = maxSymbolBytes;
		this.maxTranslatedBytes = maxTranslatedBytes;
	}

	/** A request that breaks the symbols table's rules or limits; the tag names which. */
	public static final class InvalidRequestException extends Exception {

		private final String reasonTag;

		InvalidRequestException(String reasonTag, String message) {
			super(message, null, false, false);
			this.reasonTag = reasonTag;
		}

		public String reasonTag() {
			return this.reasonTag;
		}

	}

	/**
	 * The request in the pipeline's encoding.
	 * @throws InvalidRequestException tagged {@link #TRANSLATED_TOO_LARGE} when the translation
	 * would pass {@code maxTranslatedBytes}
	 */
	public byte[] translate(byte[] request) throws InvalidProtocolBufferException, InvalidRequestException {
		try {
			return translateWithin(request);
		}
		catch (ProtoWriter.TooLargeException ex) {
			throw new InvalidRequestException(TRANSLATED_TOO_LARGE, "the request's series come to more than "
					+ this.maxTranslatedBytes + " bytes once their label references are resolved");
		}
	}

	private byte[] translateWithin(byte[] request) throws InvalidProtocolBufferException, InvalidRequestException {
		SymbolsTable symbols = new SymbolsTable(request, this.maxSymbols, this.maxSymbolBytes);
		int limit = this.maxTranslatedBytes;
		ProtoWriter out = new ProtoWriter((int) Math.min(2L * request.length, limit), limit);
		ProtoWriter series = new ProtoWriter(256, limit);
		ProtoWriter labels = new ProtoWriter(256, limit);
		ProtoWriter part = new ProtoWriter(64, limit);
		Set<String> families = new HashSet<>();
		ProtoCursor cursor = new ProtoCursor(request, 0, request.length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			if (tag >>> 3 == 5) {
				ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
				int start = cursor.readLengthDelimited();
				translateSeries(request, start, cursor.lengthSince(start), symbols, series, labels, part, out, families);
			}
			else {
				cursor.skipField(tag);
			}
		}
		return out.toByteArray();
	}

	/**
	 * Writes one 2.0 series into {@code request} as one TimeSeries, or as several with the same
	 * labels when its samples (or histograms) carry start timestamps that differ: Prometheus 3.8 and
	 * later send the start timestamp with each sample and histogram (their fields 3 and 17) in place
	 * of the series' created timestamp (field 6, spec 2.0-rc.4), and the pipeline keeps one per
	 * TimeSeries. Samples come in time order, so a run of equal start timestamps is one TimeSeries.
	 */
	private void translateSeries(byte[] buf, int offset, int length, SymbolsTable symbols, ProtoWriter series,
			ProtoWriter labelsPart, ProtoWriter part, ProtoWriter request, Set<String> families)
			throws InvalidProtocolBufferException, InvalidRequestException {
		SymbolReferences labels = new SymbolReferences();
		long created = 0;
		int metadataOffset = -1;
		int metadataLength = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		// Labels and the created timestamp first: the pipeline's TimeSeries starts with its labels.
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			if (tag >>> 3 == 1) {
				labels.read(buf, cursor, tag);
			}
			else if (tag >>> 3 == 6) {
				ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
				created = cursor.readVarint();
			}
			else {
				cursor.skipField(tag);
			}
		}
		labelsPart.reset();
		writeLabels(labels, symbols, labelsPart);
		series.reset();
		series.append(labelsPart);
		long start = created;
		boolean hasPoints = false;
		cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 2, 3 -> {
					// Sample and Histogram are the same messages in both versions; histograms are field 4 in 1.0.
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int point = cursor.readLengthDelimited();
					int pointLength = cursor.lengthSince(point);
					if (created == 0) {
						long pointStart = EncodedSeries.timestampField(buf, point, pointLength, (tag >>> 3 == 2) ? 3 : 17);
						if (hasPoints && pointStart != start) {
							writeSeries(series, start, request);
							series.reset();
							series.append(labelsPart);
							hasPoints = false;
						}
						start = pointStart;
					}
					series.bytes((tag >>> 3 == 2) ? 2 : 4, buf, point, pointLength);
					hasPoints = true;
				}
				case 4 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int exemplar = cursor.readLengthDelimited();
					translateExemplar(buf, exemplar, cursor.lengthSince(exemplar), symbols, part);
					series.message(3, part);
				}
				case 5 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					metadataOffset = cursor.readLengthDelimited();
					metadataLength = cursor.lengthSince(metadataOffset);
				}
				default -> cursor.skipField(tag);
			}
		}
		writeSeries(series, start, request);
		if (metadataOffset >= 0) {
			translateMetadata(buf, metadataOffset, metadataLength, labels, symbols, part, request, families);
		}
	}

	/** The series as a TimeSeries of the request, with its created timestamp (field 6) when it has one. */
	private static void writeSeries(ProtoWriter series, long created, ProtoWriter request) {
		if (created != 0) {
			series.varintField(6, created);
		}
		request.message(1, series);
	}

	/** Each name, value pair of references as a {@code Label}, written straight into the series or exemplar. */
	private static void writeLabels(SymbolReferences refs, SymbolsTable symbols, ProtoWriter into) throws InvalidRequestException {
		if (refs.size() % 2 != 0) {
			throw new InvalidRequestException("odd_label_references",
					"a series has " + refs.size() + " label references; they come in name, value pairs");
		}
		for (int i = 0; i < refs.size(); i += 2) {
			int name = symbols.checked(refs.at(i));
			int value = symbols.checked(refs.at(i + 1));
			into.header(1, ProtoWriter.bytesFieldSize(symbols.length(name)) + ProtoWriter.bytesFieldSize(symbols.length(value)));
			symbols.write(1, name, into);
			symbols.write(2, value, into);
		}
	}

	private static void translateExemplar(byte[] buf, int offset, int length, SymbolsTable symbols, ProtoWriter exemplar)
			throws InvalidProtocolBufferException, InvalidRequestException {
		SymbolReferences labels = new SymbolReferences();
		exemplar.reset();
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		long value = 0;
		long timestamp = 0;
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> labels.read(buf, cursor, tag);
				case 2 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.FIXED64);
					value = cursor.readFixed64();
				}
				case 3 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
					timestamp = cursor.readVarint();
				}
				default -> cursor.skipField(tag);
			}
		}
		writeLabels(labels, symbols, exemplar);
		exemplar.fixed64Field(2, value);
		exemplar.varintField(3, timestamp);
	}

	/** The series' metadata as its family's {@code MetricMetadata}, unless the request has given the family's. */
	private static void translateMetadata(byte[] buf, int offset, int length, SymbolReferences labels, SymbolsTable symbols,
			ProtoWriter metadata, ProtoWriter request, Set<String> families)
			throws InvalidProtocolBufferException, InvalidRequestException {
		long type = 0;
		int help = 0;
		int unit = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1, 3, 4 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
					long read = cursor.readVarint();
					switch (tag >>> 3) {
						case 1 -> type = read;
						case 3 -> help = symbols.checked(read);
						default -> unit = symbols.checked(read);
					}
				}
				default -> cursor.skipField(tag);
			}
		}
		int name = -1;
		for (int i = 0; i + 1 < labels.size(); i += 2) {
			if (symbols.is(labels.at(i), METRIC_NAME)) {
				name = labels.at(i + 1);
			}
		}
		if (type == 0 && help == 0 && unit == 0 || name < 0 || !families.add(symbols.string(name))) {
			return;
		}
		metadata.reset();
		if (type != 0) {
			metadata.varintField(1, type);
		}
		symbols.write(2, name, metadata);
		if (help != 0) {
			symbols.write(4, help, metadata);
		}
		if (unit != 0) {
			symbols.write(5, unit, metadata);
		}
		request.message(3, metadata);
	}

}
