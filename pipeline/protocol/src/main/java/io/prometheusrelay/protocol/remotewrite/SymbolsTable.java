package io.prometheusrelay.protocol.remotewrite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.RemoteWriteV2Translator.InvalidRequestException;

/**
 * Where each symbol of a remote-write 2.0 request is, checked against the limits before anything
 * refers to them, and every reference checked against the table before it is followed.
 */
final class SymbolsTable {

	private final int maxSymbols;

	private final int maxSymbolBytes;


	private final byte[] buf;

	private int[] offsets = new int[64];

	private int[] lengths = new int[64];

	private int size;

	SymbolsTable(byte[] request, int maxSymbols, int maxSymbolBytes) throws InvalidProtocolBufferException, InvalidRequestException {
		this.buf = request;
		this.maxSymbols = maxSymbols;
		this.maxSymbolBytes = maxSymbolBytes;
		ProtoCursor cursor = new ProtoCursor(request, 0, request.length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			if (tag >>> 3 != 4) {
				cursor.skipField(tag);
				continue;
			}
			ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
			int start = cursor.readLengthDelimited();
			int length = cursor.lengthSince(start);
			if (this.size == this.maxSymbols) {
				throw new InvalidRequestException("too_many_symbols",
						"the symbols table has more than " + this.maxSymbols + " symbols");
			}
			if (length > this.maxSymbolBytes) {
				throw new InvalidRequestException("symbol_too_long", "symbol " + this.size + " has " + length
						+ " bytes, more than " + this.maxSymbolBytes);
			}
			if (this.size == 0 && length != 0) {
				throw new InvalidRequestException("first_symbol_not_empty",
						"the symbols table must start with the empty string");
			}
			if (this.size == this.offsets.length) {
				this.offsets = Arrays.copyOf(this.offsets, this.size * 2);
				this.lengths = Arrays.copyOf(this.lengths, this.size * 2);
			}
			this.offsets[this.size] = start;
			this.lengths[this.size] = length;
			this.size++;
		}
	}

	int checked(long reference) throws InvalidRequestException {
		if (reference < 0 || reference >= this.size) {
			throw new InvalidRequestException("symbol_reference_out_of_range",
					"reference " + reference + " is outside the " + this.size + " symbols");
		}
		return (int) reference;
	}

	void write(int field, int symbol, ProtoWriter into) throws InvalidRequestException {
		checked(symbol);
		into.bytes(field, this.buf, this.offsets[symbol], this.lengths[symbol]);
	}

	int length(int symbol) {
		return this.lengths[symbol];
	}

	boolean is(int symbol, byte[] text) throws InvalidRequestException {
		checked(symbol);
		return Arrays.equals(this.buf, this.offsets[symbol], this.offsets[symbol] + this.lengths[symbol], text, 0,
				text.length);
	}

	String string(int symbol) {
		return new String(this.buf, this.offsets[symbol], this.lengths[symbol], StandardCharsets.UTF_8);
	}

}
