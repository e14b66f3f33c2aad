"""Find the tickets most similar to a ticket or to a piece of text, on an indexed set.

:class:`TicketIndex` keeps the vectors of a fitted set and its
:class:`~toolkit.duplicates.neighbours.NearestNeighbours` index; a query is one
vector product against the set (exact) or against a few cells (large sets), so it
answers in milliseconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.duplicates.neighbours import NearestNeighbours
from toolkit.errors import DataError

RESULT_COLUMNS = ["ticket_id", "similarity", "rank"]


class TicketIndex:
    """A searchable set of ticket vectors.

    Parameters
    ----------
    ids : ticket ids, one per row of ``vectors``.
    vectors : L2-normalised rows (dense or sparse).
    neighbours : a fitted :class:`NearestNeighbours` over ``vectors`` (made if not given).
    """

    def __init__(self, ids, vectors, neighbours: NearestNeighbours | None = None) -> None:
        self.ids = np.asarray(ids, dtype=object)
        self.vectors = vectors
        self.neighbours = neighbours or NearestNeighbours(progress=False).fit(vectors)
        self._position = pd.Series(np.arange(len(self.ids)), index=pd.Index(self.ids, dtype="str"))

    def position(self, ticket_id) -> int:
        """Row of a ticket id, or a DataError naming it."""
        try:
            return int(self._position[str(ticket_id)])
        except KeyError:
            raise DataError(f"ticket {ticket_id!r} is not in the indexed set", column="ticket_id",
                            fix="pass the id of a ticket the model was fitted on, or a text") from None

    def by_vectors(self, vectors, k: int = 10, exclude=None) -> tuple[np.ndarray, np.ndarray]:
        """Row indices and similarities of the ``k`` most similar indexed tickets for each vector."""
        return self.neighbours.query(vectors, k=k, exclude=exclude)

    def by_id(self, ticket_id, k: int = 10) -> pd.DataFrame:
        """The ``k`` tickets most similar to an indexed ticket (itself left out): ticket_id, similarity, rank."""
        row = self.position(ticket_id)
        idx, sim = self.by_vectors(self.vectors[row:row + 1], k, exclude=np.array([row]))
        return self._frame(idx[0], sim[0])

    def by_vector(self, vector, k: int = 10) -> pd.DataFrame:
        """The ``k`` indexed tickets most similar to one query vector: ticket_id, similarity, rank."""
        idx, sim = self.by_vectors(vector, k)
        return self._frame(idx[0], sim[0])

    def _frame(self, idx: np.ndarray, sim: np.ndarray) -> pd.DataFrame:
        ok = idx >= 0
        return pd.DataFrame({"ticket_id": pd.array(self.ids[idx[ok]], dtype="str"),
                             "similarity": sim[ok].astype("float64"),
                             "rank": np.arange(1, ok.sum() + 1)})
