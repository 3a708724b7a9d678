"""The trainee's weeks."""
