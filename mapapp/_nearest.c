/* The exact nearest shoreline piece for many points: a branch-and-bound walk of a packed box tree.
 *
 * The tree is built by mapapp/shoreline_index.py (numpy) and handed over as flat arrays; this file
 * only walks it. For each point it finds the piece at the least plane distance, and of equally near
 * pieces the lowest numbered, computing each distance with the same operations, in the same order,
 * as shoreline_index._segment_distance, so it picks the very piece the numpy path picks.
 *
 * Tree: nodes 0 .. n_nodes-1 in heap order (children of k are 2k+1 and 2k+2); the last n_leaves
 * nodes are leaves, leaf j holding pieces j*leaf_size .. (j+1)*leaf_size-1 of the piece arrays
 * (id -1 marks padding). Boxes are (min x, min y, max x, max y); an empty box is (+inf, +inf, -inf,
 * -inf) and is never entered.
 *
 * The GIL is released while walking, so chunks screened in threads run on every core.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

/* A node is skipped only when its box lies farther than the best distance by more than rounding
 * could account for: the box distance and the segment distance are computed differently. */
#define SLACK_REL 1e-9
#define SLACK_ABS 1e-6
#define MAX_DEPTH 64

typedef struct {
    const double *box;  /* n_nodes * 4 */
    const double *ax, *ay, *dx, *dy, *inv_len2;
    const int64_t *id;
    Py_ssize_t n_nodes, first_leaf, leaf_size;
} Tree;

/* Squared distance from a point to a box; plain comparisons, as fmax() is a libm call. */
static inline double box_dist2(const double *b, double px, double py) {
    double ex = b[0] - px > px - b[2] ? b[0] - px : px - b[2];
    double ey = b[1] - py > py - b[3] ? b[1] - py : py - b[3];
    ex = ex > 0.0 ? ex : 0.0;
    ey = ey > 0.0 ? ey : 0.0;
    return ex * ex + ey * ey;
}

/* q, the foot of p on piece i, as shoreline_index._segment_distance computes it: t clipped to [0, 1],
 * q = a + t d; then p - q, whose squared length rules a piece out cheaply (rounding is covered by
 * bound2's slack) and whose sqrt(ex * ex + ey * ey) is the distance. */
static inline void piece_foot(const Tree *t, Py_ssize_t i, double px, double py, double *qx, double *qy) {
    double s = ((px - t->ax[i]) * t->dx[i] + (py - t->ay[i]) * t->dy[i]) * t->inv_len2[i];
    s = s < 0.0 ? 0.0 : (s > 1.0 ? 1.0 : s);
    *qx = t->ax[i] + s * t->dx[i];
    *qy = t->ay[i] + s * t->dy[i];
}

static inline void piece_offset(const Tree *t, Py_ssize_t i, double px, double py, double *ex, double *ey) {
    double qx, qy;
    piece_foot(t, i, px, py, &qx, &qy);
    *ex = px - qx;
    *ey = py - qy;
}

static inline double bound2(double best) {
    double b = best * (1.0 + SLACK_REL) + SLACK_ABS;
    return b * b;
}

/* The nearest piece to (px, py), starting from piece `hint` (its slot in the piece arrays, or -1). */
static int64_t nearest(const Tree *t, double px, double py, Py_ssize_t hint, Py_ssize_t *slot_out) {
    double best = INFINITY;
    int64_t best_id = -1;
    Py_ssize_t best_slot = -1;
    double ex, ey;
    if (hint >= 0) {
        piece_offset(t, hint, px, py, &ex, &ey);
        best = sqrt(ex * ex + ey * ey);
        best_id = t->id[hint];
        best_slot = hint;
    }
    /* Each entry holds a node and its box's squared distance, measured when its parent was opened. */
    Py_ssize_t stack[MAX_DEPTH * 2];
    double stack_d2[MAX_DEPTH * 2];
    Py_ssize_t top = 0;
    stack[top] = 0;
    stack_d2[top++] = box_dist2(t->box, px, py);
    while (top > 0) {
        --top;
        Py_ssize_t k = stack[top];
        if (stack_d2[top] > bound2(best)) continue;
        if (k >= t->first_leaf) {
            Py_ssize_t start = (k - t->first_leaf) * t->leaf_size;
            for (Py_ssize_t i = start; i < start + t->leaf_size; i++) {
                int64_t id = t->id[i];
                if (id < 0) continue;
                piece_offset(t, i, px, py, &ex, &ey);
                if (ex * ex + ey * ey > bound2(best)) continue;  /* most pieces: no square root needed */
                double d = sqrt(ex * ex + ey * ey);
                if (d < best || (d == best && id < best_id)) {
                    best = d;
                    best_id = id;
                    best_slot = i;
                }
            }
            continue;
        }
        Py_ssize_t left = 2 * k + 1, right = 2 * k + 2;
        double dl = box_dist2(t->box + 4 * left, px, py), dr = box_dist2(t->box + 4 * right, px, py);
        if (top + 2 > MAX_DEPTH * 2) return -2;  /* deeper than any tree shoreline_index builds */
        /* The nearer child is walked first, so the best distance shrinks early. */
        if (dl <= dr) {
            stack[top] = right; stack_d2[top++] = dr;
            stack[top] = left; stack_d2[top++] = dl;
        } else {
            stack[top] = left; stack_d2[top++] = dl;
            stack[top] = right; stack_d2[top++] = dr;
        }
    }
    *slot_out = best_slot;
    return best_id;
}

PyDoc_STRVAR(nearest_pieces_doc,
"nearest_pieces(box, ax, ay, dx, dy, inv_len2, id, leaf_size, px, py, order, piece, d, qx, qy)\n\n"
"For each point (px[i], py[i]), visited in the order `order` gives (a permutation: nearby points one\n"
"after another), write the id of the nearest piece to piece[i], its distance to d[i] and the nearest\n"
"point on it to qx[i], qy[i]; -1 and NaN where a coordinate is not finite. float64 arrays, int64\n"
"ids, order and piece, all C-contiguous. See mapapp/shoreline_index.py.");

enum { BOX, AX, AY, DX, DY, INV_LEN2, ID, PX, PY, ORDER, PIECE, D, QX, QY, N_BUFFERS };

static PyObject *nearest_pieces(PyObject *self, PyObject *args) {
    Py_buffer b[N_BUFFERS];
    Py_ssize_t leaf_size;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*ny*y*y*w*w*w*w*", &b[BOX], &b[AX], &b[AY], &b[DX], &b[DY],
                          &b[INV_LEN2], &b[ID], &leaf_size, &b[PX], &b[PY], &b[ORDER], &b[PIECE], &b[D], &b[QX],
                          &b[QY]))
        return NULL;
    Py_ssize_t n_nodes = b[BOX].len / 32, n_pieces = b[ID].len / 8, n_points = b[PX].len / 8;
    int ok = leaf_size >= 1 && n_nodes >= 1 && b[BOX].len == 32 * n_nodes && b[ID].len == 8 * n_pieces
             && n_pieces == leaf_size * ((n_nodes + 1) / 2) && b[PX].len == 8 * n_points;
    for (int j = AX; j <= INV_LEN2; j++) ok = ok && b[j].len == 8 * n_pieces;
    for (int j = PY; j <= QY; j++) ok = ok && b[j].len == 8 * n_points;
    int deep = 0, bad_order = 0;
    if (ok) {
        Tree t = {b[BOX].buf, b[AX].buf, b[AY].buf, b[DX].buf, b[DY].buf, b[INV_LEN2].buf, b[ID].buf,
                  n_nodes, n_nodes - (n_nodes + 1) / 2, leaf_size};
        const double *px = b[PX].buf, *py = b[PY].buf;
        const int64_t *order = b[ORDER].buf;
        int64_t *piece = b[PIECE].buf;
        double *d = b[D].buf, *qx = b[QX].buf, *qy = b[QY].buf;
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t hint = -1;  /* the previous point's piece */
        for (Py_ssize_t i = 0; i < n_points; i++) {
            int64_t k = order[i];
            if (k < 0 || k >= n_points) { bad_order = 1; break; }
            double x = px[k], y = py[k];
            if (!isfinite(x) || !isfinite(y)) { piece[k] = -1; d[k] = qx[k] = qy[k] = NAN; continue; }
            Py_ssize_t slot = -1;
            piece[k] = nearest(&t, x, y, hint, &slot);
            if (piece[k] == -2) { deep = 1; break; }
            if (slot < 0) { piece[k] = -1; d[k] = qx[k] = qy[k] = NAN; continue; }  /* a tree of padding only */
            hint = slot;
            piece_foot(&t, slot, x, y, &qx[k], &qy[k]);
            double ex = x - qx[k], ey = y - qy[k];
            d[k] = sqrt(ex * ex + ey * ey);
        }
        Py_END_ALLOW_THREADS
    }
    for (int j = 0; j < N_BUFFERS; j++) PyBuffer_Release(&b[j]);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "nearest_pieces: the arrays' sizes do not match a tree");
        return NULL;
    }
    if (bad_order) {
        PyErr_SetString(PyExc_ValueError, "nearest_pieces: `order` holds an index out of range");
        return NULL;
    }
    if (deep) {
        PyErr_SetString(PyExc_ValueError, "nearest_pieces: the tree is deeper than the walk allows");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"nearest_pieces", nearest_pieces, METH_VARARGS, nearest_pieces_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "mapapp._nearest",
                                    "Exact nearest shoreline pieces (see mapapp/shoreline_index.py).", -1, methods};

PyMODINIT_FUNC PyInit__nearest(void) { return PyModule_Create(&module); }
