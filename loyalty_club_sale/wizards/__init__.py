from . import loyalty_club_sale_apply
