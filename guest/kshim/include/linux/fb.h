/* The frame-buffer registry as input drivers consult it for the screen size
 * (Documentation/fb/api.rst): registered_fb[0 .. num_registered_fb) are the registered frame
 * buffers. The shim has no frame-buffer devices, so none is ever registered. */
#ifndef _LINUX_FB_H
#define _LINUX_FB_H
#include "kshim/types.h"

#define FB_MAX 32

struct fb_var_screeninfo {
    __u32 xres, yres;                 /* visible resolution */
    __u32 xres_virtual, yres_virtual; /* virtual resolution */
    __u32 xoffset, yoffset;
    __u32 bits_per_pixel;
};

struct fb_info {
    int node;
    struct fb_var_screeninfo var;
};

extern struct fb_info *registered_fb[FB_MAX];
extern int num_registered_fb;
#endif
