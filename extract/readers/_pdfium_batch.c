/* One call per page instead of four ctypes calls per character (and four per path segment).
 *
 * pdfium_layout.py reads every character's flags, text object, origin and loose box, and every
 * path segment's type, close flag and point. Through ctypes each PDFium call costs ~0.3 us of
 * Python; a report page has ~500 characters and as many segments. These loops make the same
 * PDFium calls, in C, into packed records the Python side unpacks with struct.iter_unpack;
 * what is done with the values stays in Python (pdfium_layout.py), but for one loop:
 * nianbao_horizontal_boxes is the horizontal branch of pdfium_layout._box on an unrotated page,
 * operation for operation in doubles (built with -ffp-contract=off: no fused multiply-add), so
 * its boxes are the same floats; tests/extract/test_pdfium_batch.py compares them on every page.
 *
 * No PDFium header or library is linked: the caller passes the addresses of pypdfium2's own
 * PDFium functions. Built as an optional extension (setup.py); without it the reader makes
 * the same calls through ctypes and gives the same result (tests/extract/test_pdfium_batch.py).
 */
#include <math.h>
#include <stdint.h>

typedef int (*int_of_index)(void *page_or_text, int index);
typedef void *(*ptr_of_index)(void *page_or_text, int index);
typedef int (*origin_of_index)(void *text_page, int index, double *x, double *y);
typedef int (*box_of_index)(void *text_page, int index, float *rect);
typedef int (*point_of_segment)(void *segment, float *x, float *y);
typedef int (*int_of_ptr)(void *segment);

#pragma pack(push, 1)
typedef struct {
    int32_t generated;    /* FPDFText_IsGenerated */
    int32_t unmapped;     /* FPDFText_HasUnicodeMapError */
    int32_t origin_ok;    /* FPDFText_GetCharOrigin's answer: x, y are 0 when it failed */
    int32_t box_ok;       /* FPDFText_GetLooseCharBox's answer: box is 0 when it failed */
    uint64_t text_object; /* FPDFText_GetTextObject, 0 for none */
    double x, y;
    float box[4];         /* left, top, right, bottom */
    float matrix[4];      /* FPDFText_GetMatrix: a, b, c, d (properties of the text object) */
    double font_size;     /* FPDFText_GetFontSize */
    float descent;        /* FPDFFont_GetDescent(FPDFTextObj_GetFont(object), 1.0): 0 without */
} char_record;            /* 84 bytes: struct "=4iQ2d4f4fdf" */

typedef struct {
    int32_t type;     /* FPDFPathSegment_GetType (-1 for no segment) */
    int32_t close;    /* FPDFPathSegment_GetClose */
    int32_t point_ok; /* FPDFPathSegment_GetPoint's answer: x, y are 0 when it failed */
    float x, y;
} segment_record;     /* 20 bytes: struct "=3i2f" */

typedef struct {
    uint64_t object;     /* FPDFPage_GetObject / FPDFFormObj_GetObject, 0 for none */
    int32_t type;        /* FPDFPageObj_GetType */
    int32_t bounds_ok;   /* text objects: FPDFPageObj_GetBounds */
    float bounds[4];     /* left, bottom, right, top */
    int32_t matrix_ok;   /* path and form objects: FPDFPageObj_GetMatrix */
    float matrix[6];
    int32_t draw_ok;     /* path objects: FPDFPath_GetDrawMode */
    int32_t fill, stroke;
    int32_t segments;    /* path objects: FPDFPath_CountSegments */
    int32_t children;    /* form objects: FPDFFormObj_CountObjects */
} object_record;         /* 80 bytes: struct "=Q2i4fi6f5i" */

typedef struct {
    int32_t done;              /* 0: left to pdfium_layout._box (not horizontal text) */
    double x0, x1, top, bottom;
} box_record;                  /* 36 bytes: struct "=i4d" */
#pragma pack(pop)

typedef int (*matrix_of_index)(void *text_page, int index, float *matrix);
typedef double (*double_of_index)(void *text_page, int index);
typedef void *(*ptr_of_ptr)(void *object);
typedef int (*descent_of_font)(void *font, float size, float *descent);

/* fns: IsGenerated, HasUnicodeMapError, GetTextObject, GetCharOrigin, GetLooseCharBox,
 * GetMatrix, GetFontSize, TextObj_GetFont, Font_GetDescent. The text object's values (matrix,
 * font size, descent) are read again where the object changes, else copied. */
int nianbao_read_chars(void *text_page, int n, void **fns, char_record *out) {
    int_of_index is_generated = (int_of_index)fns[0];
    int_of_index map_error = (int_of_index)fns[1];
    ptr_of_index text_object = (ptr_of_index)fns[2];
    origin_of_index origin = (origin_of_index)fns[3];
    box_of_index loose_box = (box_of_index)fns[4];
    matrix_of_index char_matrix = (matrix_of_index)fns[5];
    double_of_index font_size = (double_of_index)fns[6];
    ptr_of_ptr object_font = (ptr_of_ptr)fns[7];
    descent_of_font font_descent = (descent_of_font)fns[8];
    float matrix[6] = {0, 0, 0, 0, 0, 0}; /* FS_MATRIX: a, b, c, d, e, f */
    uint64_t previous = 0;
    for (int i = 0; i < n; i++) {
        char_record *r = &out[i];
        r->generated = is_generated(text_page, i);
        r->unmapped = map_error(text_page, i);
        r->text_object = (uint64_t)(uintptr_t)text_object(text_page, i);
        r->x = r->y = 0.0;
        r->box[0] = r->box[1] = r->box[2] = r->box[3] = 0.0f;
        r->origin_ok = origin(text_page, i, &r->x, &r->y) ? 1 : 0;
        r->box_ok = loose_box(text_page, i, r->box) ? 1 : 0;
        if (i == 0 || r->text_object == 0 || r->text_object != previous) {
            char_matrix(text_page, i, matrix);
            r->font_size = font_size(text_page, i);
            void *font = r->text_object ? object_font((void *)(uintptr_t)r->text_object) : 0;
            float d = 0.0f;
            r->descent = (font && font_descent(font, 1.0f, &d)) ? d : 0.0f;
        } else {
            r->font_size = out[i - 1].font_size;
            r->descent = out[i - 1].descent;
        }
        r->matrix[0] = matrix[0];
        r->matrix[1] = matrix[1];
        r->matrix[2] = matrix[2];
        r->matrix[3] = matrix[3];
        previous = r->text_object;
    }
    return n;
}

/* fns: FPDFPath_GetPathSegment, FPDFPathSegment_GetPoint, GetType, GetClose */
int nianbao_read_segments(void *path, int n, void **fns, segment_record *out) {
    ptr_of_index segment = (ptr_of_index)fns[0];
    point_of_segment point = (point_of_segment)fns[1];
    int_of_ptr type = (int_of_ptr)fns[2];
    int_of_ptr is_close = (int_of_ptr)fns[3];
    for (int k = 0; k < n; k++) {
        void *seg = segment(path, k);
        segment_record *r = &out[k];
        r->x = r->y = 0.0f;
        if (!seg) {
            r->type = -1;
            r->close = r->point_ok = 0;
            continue;
        }
        r->point_ok = point(seg, &r->x, &r->y) ? 1 : 0;
        r->type = type(seg);
        r->close = is_close(seg);
    }
    return n;
}

/* pdfium_layout._box for horizontal text (writing 0) on an unrotated page, for the kept chars
 * index[0..k) whose text objects are owner[..]: params per object are (writing, a, d, size, dsc);
 * consts are (me, mf, dx, dtop) of the page frame. */
int nianbao_horizontal_boxes(const char_record *records, const int32_t *index, const int32_t *owner, int k,
                             const double *params, const double *consts, box_record *out) {
    const double me = consts[0], mf = consts[1], dx = consts[2], dtop = consts[3];
    for (int j = 0; j < k; j++) {
        const double *p = params + 5 * owner[j];
        box_record *o = &out[j];
        o->x0 = o->x1 = o->top = o->bottom = 0.0;
        if (p[0] != 0.0) {
            o->done = 0;
            continue;
        }
        const double a = p[1], d = p[2], size = p[3], dsc = p[4];
        const char_record *r = &records[index[j]];
        const double x = r->x, y = r->y;
        const double r_left = (double)r->box[0], r_right = (double)r->box[2];
        double px = x + me + dx;
        double lx0 = r_left + me + dx;
        double lx1 = r_right + me + dx;
        double adv = fabs(lx1 - lx0);
        double ptop = dtop - (y + mf);
        if (adv > 2.5 * size) { /* a vertical-writing font: PDFium's box is the unscaled font's */
            o->x0 = px;
            o->x1 = px + size;
            o->bottom = ptop;
            o->top = o->bottom - size;
        } else {
            if (a > 0) {
                o->x0 = px;
                o->x1 = px + adv;
            } else {
                o->x0 = px - adv;
                o->x1 = px;
            }
            if (d > 0) {
                o->bottom = ptop + dsc;
                o->top = o->bottom - size;
            } else {
                o->top = ptop - dsc;
                o->bottom = o->top + size;
            }
        }
        o->done = 1;
    }
    return k;
}

typedef void *(*ptr_of_ulong)(void *form, unsigned long index);
typedef int (*bounds_of_object)(void *object, float *left, float *bottom, float *right, float *top);
typedef int (*matrix_of_object)(void *object, float *matrix);
typedef int (*draw_mode_of_path)(void *path, int *fill, int *stroke);

/* The objects of a page (in_form 0) or of a form object (in_form 1), with what
 * pdfium_layout._object_edges asks of each kind. fns: FPDFPage_GetObject, FPDFFormObj_GetObject,
 * FPDFPageObj_GetType, FPDFPageObj_GetBounds, FPDFPageObj_GetMatrix, FPDFPath_GetDrawMode,
 * FPDFPath_CountSegments, FPDFFormObj_CountObjects. */
int nianbao_read_objects(void *container, int n, int in_form, void **fns, object_record *out) {
    ptr_of_index page_object = (ptr_of_index)fns[0];
    ptr_of_ulong form_object = (ptr_of_ulong)fns[1];
    int_of_ptr object_type = (int_of_ptr)fns[2];
    bounds_of_object bounds = (bounds_of_object)fns[3];
    matrix_of_object matrix = (matrix_of_object)fns[4];
    draw_mode_of_path draw_mode = (draw_mode_of_path)fns[5];
    int_of_ptr count_segments = (int_of_ptr)fns[6];
    int_of_ptr count_children = (int_of_ptr)fns[7];
    for (int j = 0; j < n; j++) {
        object_record *r = &out[j];
        void *obj = in_form ? form_object(container, (unsigned long)j) : page_object(container, j);
        r->object = (uint64_t)(uintptr_t)obj;
        r->type = obj ? object_type(obj) : 0;
        r->bounds_ok = r->matrix_ok = r->draw_ok = 0;
        r->fill = r->stroke = r->segments = r->children = 0;
        for (int q = 0; q < 4; q++) r->bounds[q] = 0.0f;
        for (int q = 0; q < 6; q++) r->matrix[q] = 0.0f;
        if (!obj) continue;
        if (r->type == 1) { /* FPDF_PAGEOBJ_TEXT */
            r->bounds_ok = bounds(obj, &r->bounds[0], &r->bounds[1], &r->bounds[2], &r->bounds[3]) ? 1 : 0;
        } else if (r->type == 2 || r->type == 5) { /* FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM */
            r->matrix_ok = matrix(obj, r->matrix) ? 1 : 0;
            if (r->type == 2) {
                int fill = 0, stroke = 0;
                r->draw_ok = draw_mode(obj, &fill, &stroke) ? 1 : 0;
                r->fill = fill;
                r->stroke = stroke;
                r->segments = count_segments(obj);
            } else {
                r->children = count_children(obj);
            }
        }
    }
    return n;
}
