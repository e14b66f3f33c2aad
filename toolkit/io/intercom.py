"""Intercom steps that need code: unpack full conversations into their parts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.io.read import RawTable


def explode_conversations(raw: RawTable) -> RawTable:
    """Turn full conversation records (GET /conversations/{id}) into one record per message.

    The conversation's opening message (``source``) becomes the first part; each entry of
    ``conversation_parts.conversation_parts`` follows, with ``conversation_id`` set. Records that
    are already parts (the Airbyte/Singer ``conversation_parts`` stream) pass through. Row numbers
    point at the conversation the part came from.
    """
    frame = raw.frame
    col = "conversation_parts.conversation_parts"
    if col not in frame.columns:
        return raw
    records, numbers = [], []
    for pos, (conv_id, parts) in enumerate(zip(frame["id"], frame[col], strict=True)):
        row = raw.row_numbers[pos]
        opening = {k[len("source."):]: v for k, v in frame.iloc[pos].items() if str(k).startswith("source.")}
        if opening.get("body") is not None:
            records.append({"id": f"{conv_id}-source", "part_type": "conversation", "body": opening.get("body"),
                            "created_at": frame.iloc[pos].get("created_at"), "conversation_id": conv_id,
                            "author.type": opening.get("author.type"), "author.id": opening.get("author.id"),
                            "author.name": opening.get("author.name")})
            numbers.append(row)
        for part in parts if isinstance(parts, list) else []:
            flat = pd.json_normalize(part, sep=".").iloc[0].to_dict()
            flat["conversation_id"] = conv_id
            records.append(flat)
            numbers.append(row)
    out = pd.DataFrame(records)
    raw.notes.append(f"{len(frame)} conversations unpacked into {len(out)} messages (row numbers are the "
                     "conversation's)")
    # The report accounts for messages, not conversations, from here on.
    raw.rows_read += len(out) - len(frame)
    return RawTable(file=raw.file, frame=out, row_numbers=np.asarray(numbers, dtype=np.int64), format=raw.format,
                    encoding=raw.encoding, delimiter=raw.delimiter, rejected=raw.rejected, notes=raw.notes,
                    rows_read=raw.rows_read)
