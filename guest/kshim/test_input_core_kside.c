/* Kernel side of test_input_core: module "tinput" registers two input devices, "tinput
 * pointer" (relative X and wheel, absolute X 0..1000 with fuzz 8, the left button, MSC_SCAN)
 * and "tinput refuses" (its open fails with -EIO), and one it frees without registering. */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/input.h>
#include <linux/module.h>

#include "test_input_core.h"

struct tin_counts tin_counts;
static struct input_dev *pointer, *refuses;

static int pointer_open(struct input_dev *dev)
{
    (void)dev;
    tin_counts.opens++;
    return 0;
}

static void pointer_close(struct input_dev *dev)
{
    (void)dev;
    tin_counts.closes++;
}

static int refuse_open(struct input_dev *dev)
{
    (void)dev;
    return -EIO;
}

void tin_event(unsigned int type, unsigned int code, int value)
{
    input_event(pointer, type, code, value);
}

static int __init tinput_init(void)
{
    struct input_dev *never = input_allocate_device();
    if (!never)
        return -ENOMEM;
    input_set_capability(never, EV_KEY, KEY_A);
    input_free_device(never);

    pointer = input_allocate_device();
    refuses = input_allocate_device();
    if (!pointer || !refuses)
        return -ENOMEM;
    pointer->name = "tinput pointer";
    pointer->open = pointer_open;
    pointer->close = pointer_close;
    input_set_capability(pointer, EV_REL, REL_X);
    input_set_capability(pointer, EV_REL, REL_WHEEL);
    input_set_abs_params(pointer, ABS_X, 0, 1000, 8, 0);
    input_set_capability(pointer, EV_KEY, BTN_LEFT);
    input_set_capability(pointer, EV_MSC, MSC_SCAN);
    tin_counts.register_rc = input_register_device(pointer);
    refuses->name = "tinput refuses";
    refuses->open = refuse_open;
    input_set_capability(refuses, EV_KEY, KEY_B);
    tin_counts.refused_register_rc = input_register_device(refuses);
    return 0;
}

static void __exit tinput_exit(void)
{
    input_unregister_device(pointer);
    input_unregister_device(refuses);
}

module_init(tinput_init);
module_exit(tinput_exit);
MODULE_LICENSE("GPL");
